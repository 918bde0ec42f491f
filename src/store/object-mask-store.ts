/**
 * The user's choice of object patches for the object vs background view and the token
 * flow's image-object group: scene metadata, a painted mask or a contribution threshold
 * (object-mask-spec.ts). A new image starts from its scene metadata when it has any (once
 * it is shown to be the bundled sample it is named after: scene-sample.ts); an opened
 * analysis starts from the mask its results were computed with. It reads the session's
 * image, the loaded model's patch grid and the samples list, and no store above them.
 */
import { create } from "zustand";
import { DEFAULT_CONTRIBUTION_THRESHOLD, type ObjectMaskSpec, type RgbaImage } from "../engine";
import {
  defaultChoice,
  objectMaskSpecOf,
  sceneCoverageOf,
  type MaskChoice,
  type MaskInputs,
} from "./object-mask-spec";
import { fetchSample, useSamplesStore, type SampleImage } from "./samples-store";
import { decodeImageFile } from "./image-store";
import { verifySceneSample, type SceneSample } from "./scene-sample";
import { analysisClient } from "../client";
import { loadedModel, useSessionStore, type OpenedMask } from "./session-store";

interface ObjectMaskStore {
  choice: MaskChoice;
  /** One flag per patch, row-major over the model's patch grid. */
  painted: boolean[];
  threshold: number;
  /** The analysed image's scene metadata, once the image is known to be that sample. */
  scene: SceneSample | null;
  setChoice(choice: MaskChoice): void;
  setPatch(patch: number, on: boolean): void;
  clearPainted(): void;
  setThreshold(threshold: number): void;
}

/** Patches of the loaded model's image (0 before the model is ready). */
export function patchCount(): number {
  const model = loadedModel();
  if (model === null) return 0;
  const [rows, cols] = model.grid;
  return rows * cols;
}

/** The analysed image's scene coverage, when it is a bundled sample. */
export function currentCoverage(): number[] | null {
  const { scene } = useObjectMaskStore.getState();
  const image = useSessionStore.getState().image;
  return scene !== null && image !== null && scene.image === image ? scene.coverage : null;
}

/** A bundled sample at model resolution, through the same path as any image the user gives. */
async function loadSampleImage(baseUrl: string, sample: SampleImage): Promise<RgbaImage> {
  const blob = await fetchSample(baseUrl, sample);
  const outcome = await decodeImageFile(blob, sample.file);
  if (!outcome.ok) throw new Error(outcome.message);
  const { width, height, pixels, preview } = outcome.image;
  preview.close();
  return analysisClient.prepareImage({ width, height, data: pixels });
}

/** Whether the analysed image is new (not an opened analysis, which brings its own mask). */
let startFromScene = false;

/**
 * Looks for the analysed image's scene metadata and, if the image is that sample, keeps it;
 * a new image (not an opened analysis) then starts from the scene mask.
 */
export async function checkScene(): Promise<void> {
  const image = useSessionStore.getState().image;
  const samples = useSamplesStore.getState().state;
  if (image === null || samples.status !== "ready") return;
  const sample = samples.samples.find((s) => s.file === image.name);
  if (sample === undefined) return;
  const coverage = sceneCoverageOf([sample], image.name, patchCount());
  const scene = await verifySceneSample(image, coverage, () =>
    loadSampleImage(samples.baseUrl, sample),
  );
  if (scene === null || useSessionStore.getState().image !== image) return;
  const { choice, painted } = useObjectMaskStore.getState();
  // Unless the user already chose another mask for this image.
  const untouched = choice === defaultChoice(null) && !painted.some(Boolean);
  useObjectMaskStore.setState({
    scene,
    ...(startFromScene && untouched ? { choice: defaultChoice(scene.coverage) } : {}),
  });
}

export const useObjectMaskStore = create<ObjectMaskStore>((set, get) => ({
  choice: "contribution",
  painted: [],
  threshold: DEFAULT_CONTRIBUTION_THRESHOLD,
  scene: null,
  setChoice: (choice) => set({ choice }),
  setPatch(patch, on) {
    const painted = get().painted.length > 0 ? [...get().painted] : emptyMask();
    if (patch < 0 || patch >= painted.length || painted[patch] === on) return;
    painted[patch] = on;
    set({ painted });
  },
  clearPainted: () => set({ painted: emptyMask() }),
  setThreshold: (threshold) => set({ threshold }),
}));

function emptyMask(): boolean[] {
  return new Array<boolean>(patchCount()).fill(false);
}

/** What objectMaskSpecOf needs, from the stores as they are now. */
export function currentMaskInputs(): MaskInputs {
  const { painted, threshold } = useObjectMaskStore.getState();
  return {
    coverage: currentCoverage(),
    painted: painted.length > 0 ? painted : emptyMask(),
    threshold,
  };
}

/** The object mask a run takes now; throws, with the reason, when the choice cannot give one. */
export function currentMaskSpec(): ObjectMaskSpec {
  return objectMaskSpecOf(useObjectMaskStore.getState().choice, currentMaskInputs());
}

/** The mask choice an opened analysis's results were made with. */
function choiceOfOpened(mask: OpenedMask): Partial<ObjectMaskStore> {
  const painted = emptyMask();
  if (mask.source === "mask")
    for (const p of mask.patches) if (p < painted.length) painted[p] = true;
  return {
    choice: mask.source,
    painted,
    ...(mask.source === "contribution" && mask.threshold !== null
      ? { threshold: mask.threshold }
      : {}),
  };
}

/**
 * Starts the mask of a newly analysed image: an opened analysis's results bring the mask
 * they were made with; otherwise the default, then the scene mask once the image is known
 * to be a bundled sample (checkScene).
 */
export function startMaskForImage(openedMask: OpenedMask | null): void {
  const opened = openedMask ? choiceOfOpened(openedMask) : null;
  useObjectMaskStore.setState({
    ...(opened ?? { choice: defaultChoice(null), painted: emptyMask() }),
    scene: null,
  });
  startFromScene = opened === null;
  void checkScene();
}
