/**
 * The user's choice of object patches for the object vs background view and the token
 * flow's image-object group: scene metadata, a painted mask or a contribution threshold
 * (object-mask-spec.ts). A new image starts from its scene metadata when it has any; an
 * opened analysis starts from the mask its results were computed with.
 */
import { create } from "zustand";
import { DEFAULT_CONTRIBUTION_THRESHOLD } from "../engine/object-mask";
import { useAnalysisStore } from "./analysis-store";
import type { AnalysisExtras } from "./analysis-extras";
import { useBackendStore } from "./backend-store";
import {
  defaultChoice,
  sceneCoverageOf,
  type MaskChoice,
  type MaskInputs,
} from "./object-mask-spec";
import { useSamplesStore } from "./samples-store";

interface ObjectMaskStore {
  choice: MaskChoice;
  /** One flag per patch, row-major over the model's patch grid. */
  painted: boolean[];
  threshold: number;
  setChoice(choice: MaskChoice): void;
  setPatch(patch: number, on: boolean): void;
  clearPainted(): void;
  setThreshold(threshold: number): void;
}

/** Patches of the loaded model's image (0 before the model is ready). */
export function patchCount(): number {
  const backend = useBackendStore.getState().state;
  if (backend.status !== "ready") return 0;
  const [rows, cols] = backend.report.model.grid;
  return rows * cols;
}

/** The analysed image's scene coverage, when it is a bundled sample. */
export function currentCoverage(): number[] | null {
  const samples = useSamplesStore.getState().state;
  return sceneCoverageOf(
    samples.status === "ready" ? samples.samples : null,
    useAnalysisStore.getState().image?.name ?? null,
    patchCount(),
  );
}

export const useObjectMaskStore = create<ObjectMaskStore>((set, get) => ({
  choice: "contribution",
  painted: [],
  threshold: DEFAULT_CONTRIBUTION_THRESHOLD,
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

/** The mask choice an opened analysis's results were made with, if it carries any. */
function choiceOfExtras(extras: AnalysisExtras): Partial<ObjectMaskStore> | null {
  const mask = extras.patches?.objectMask ?? extras.flow?.result.objectMask;
  if (!mask) return null;
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

useAnalysisStore.subscribe((state, previous) => {
  if (state.image === previous.image) return;
  // Extras that change with the image came with it (an opened analysis); otherwise they
  // are the old image's, about to be cleared.
  const opened = state.extras !== previous.extras ? choiceOfExtras(state.extras) : null;
  useObjectMaskStore.setState(
    opened ?? {
      choice: defaultChoice(currentCoverage()),
      painted: emptyMask(),
    },
  );
});
