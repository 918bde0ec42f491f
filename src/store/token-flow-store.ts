/**
 * Runs of the token flow (knockout curves + text-to-patch attention) and of the object vs
 * background comparison, with progress and Cancel. Their results live in the analysis
 * store's `extras`, so that the permalink and the history carry them; this store keeps
 * only how the runs stand. A new image or question clears results made for the old one.
 */
import * as Comlink from "comlink";
import { create } from "zustand";
import { createCancelFlag, raiseCancelFlag, type CancelFlag } from "../workers/cancel-flag";
import { inferenceWorker } from "../workers/inference-client";
import { NO_EXTRAS } from "./analysis-extras";
import { messageOf, useAnalysisStore } from "./analysis-store";
import { objectMaskSpecOf } from "./object-mask-spec";
import { currentMaskInputs, useObjectMaskStore } from "./object-mask-store";

export type RunState =
  | { status: "idle" }
  | { status: "running"; done: number; total: number }
  | { status: "failed"; message: string }
  | { status: "cancelled" };

interface TokenFlowStore {
  flow: RunState;
  patches: RunState;
  /** Knockout window in layers; null: the engine's default (a quarter of the layers). */
  windowSize: number | null;
  setWindowSize(windowSize: number | null): void;
  runFlow(): Promise<void>;
  runPatches(): Promise<void>;
  cancel(): void;
  /** Stops any run and forgets how runs stand (a new image or question). */
  forget(): void;
}

const IDLE: RunState = { status: "idle" };

function isCancellation(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

export const useTokenFlowStore = create<TokenFlowStore>((set, get) => {
  let cancelFlag: CancelFlag | undefined;
  /** Bumped when the image or question changes: a late result for the old one is dropped. */
  let generation = 0;

  /** Shared set-up of both runs: the input and object mask, or a failure to show. */
  const prepare = (which: "flow" | "patches") => {
    const input = useAnalysisStore.getState().input();
    if (input === null) return null;
    try {
      const objectMask = objectMaskSpecOf(
        useObjectMaskStore.getState().choice,
        currentMaskInputs(),
      );
      cancelFlag = createCancelFlag();
      return { input, objectMask, ...(cancelFlag ? { cancelFlag } : {}) };
    } catch (error) {
      set({ [which]: { status: "failed", message: messageOf(error) } });
      return null;
    }
  };

  const failure = (error: unknown): RunState =>
    isCancellation(error)
      ? { status: "cancelled" }
      : { status: "failed", message: messageOf(error) };

  return {
    flow: IDLE,
    patches: IDLE,
    windowSize: null,
    setWindowSize: (windowSize) => set({ windowSize }),

    async runFlow() {
      const prepared = prepare("flow");
      if (prepared === null) return;
      const { input, ...request } = prepared;
      const { windowSize } = get();
      const mine = generation;
      set({ flow: { status: "running", done: 0, total: 0 } });
      try {
        const run = await inferenceWorker().flow(
          input,
          { ...request, ...(windowSize !== null ? { window: windowSize } : {}) },
          Comlink.proxy((done: number, total: number) => {
            if (mine === generation && get().flow.status === "running") {
              set({ flow: { status: "running", done, total } });
            }
          }),
        );
        if (mine !== generation) return;
        const analysis = useAnalysisStore.getState();
        analysis.setExtras({ ...analysis.extras, flow: run });
        set({ flow: IDLE });
      } catch (error) {
        if (mine === generation) set({ flow: failure(error) });
      }
    },

    async runPatches() {
      const prepared = prepare("patches");
      if (prepared === null) return;
      const { input, ...request } = prepared;
      const mine = generation;
      set({ patches: { status: "running", done: 0, total: 0 } });
      try {
        const result = await inferenceWorker().patches(input, request);
        if (mine !== generation) return;
        const analysis = useAnalysisStore.getState();
        analysis.setExtras({ ...analysis.extras, patches: result });
        set({ patches: IDLE });
      } catch (error) {
        if (mine === generation) set({ patches: failure(error) });
      }
    },

    cancel() {
      const { flow, patches } = get();
      if (flow.status !== "running" && patches.status !== "running") return;
      raiseCancelFlag(cancelFlag);
      void inferenceWorker().cancel();
    },

    forget() {
      get().cancel();
      generation++;
      set({ flow: IDLE, patches: IDLE });
    },
  };
});

useAnalysisStore.subscribe((state, previous) => {
  const changed = state.image !== previous.image || state.asked !== previous.asked;
  // An opened analysis brings its own results together with its image: keep those.
  if (!changed || state.extras !== previous.extras) return;
  useTokenFlowStore.getState().forget();
  if (state.extras !== NO_EXTRAS) state.setExtras(NO_EXTRAS);
});
