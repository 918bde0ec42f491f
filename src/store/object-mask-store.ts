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
import type { NamedRgbaImage } from "./analysis-payload";
import { loadedModel, sessionImage, type OpenedMask } from "./session-store";

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
  /**
   * Starts the mask of a newly analysed image: an opened analysis's results bring the
   * mask they were made with; otherwise the default, then the scene mask once the image
   * is known to be a bundled sample (checkScene).
   */
  startForImage(openedMask: OpenedMask | null): void;
  /**
   * Looks for the analysed image's scene metadata and, if the image is that sample, keeps
   * it; a new image (not an opened analysis) then starts from the scene mask.
   */
  checkScene(): Promise<void>;
  /** The object mask a run takes now; throws, with the reason, when the choice cannot give one. */
  spec(): ObjectMaskSpec;
}

/** Patches of the loaded model's image (0 before the model is ready). */
export function patchCount(): number {
  const model = loadedModel();
  if (model === null) return 0;
  const [rows, cols] = model.grid;
  return rows * cols;
}

/** The scene coverage of `image`, when `scene` was verified for that very image. */
export function sceneCoverage(
  scene: SceneSample | null,
  image: NamedRgbaImage | null,
): number[] | null {
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

function emptyMask(): boolean[] {
  return new Array<boolean>(patchCount()).fill(false);
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

export const useObjectMaskStore = create<ObjectMaskStore>((set, get) => {
  /** Whether the analysed image is new (not an opened analysis, which brings its own mask). */
  let startFromScene = false;

  return {
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

    startForImage(openedMask) {
      const opened = openedMask ? choiceOfOpened(openedMask) : null;
      set({ ...(opened ?? { choice: defaultChoice(null), painted: emptyMask() }), scene: null });
      startFromScene = opened === null;
      void get().checkScene();
    },

    async checkScene() {
      const image = sessionImage();
      const samples = useSamplesStore.getState().state;
      if (image === null || samples.status !== "ready") return;
      const sample = samples.samples.find((s) => s.file === image.name);
      if (sample === undefined) return;
      const coverage = sceneCoverageOf([sample], image.name, patchCount());
      const scene = await verifySceneSample(image, coverage, () =>
        loadSampleImage(samples.baseUrl, sample),
      );
      if (scene === null || sessionImage() !== image) return;
      const { choice, painted } = get();
      // Unless the user already chose another mask for this image.
      const untouched = choice === defaultChoice(null) && !painted.some(Boolean);
      set({
        scene,
        ...(startFromScene && untouched ? { choice: defaultChoice(scene.coverage) } : {}),
      });
    },

    spec() {
      const { choice, scene, painted, threshold } = get();
      const inputs: MaskInputs = {
        coverage: sceneCoverage(scene, sessionImage()),
        painted: painted.length > 0 ? painted : emptyMask(),
        threshold,
      };
      return objectMaskSpecOf(choice, inputs);
    },
  };
});
