/**
 * Runs of the token flow (knockout curves + text-to-patch attention) and of the object vs
 * background comparison, with progress and Cancel. Their results live in the analysis
 * store's `extras`, so that the permalink and the history carry them; this store keeps
 * only how the runs stand. A new image or question stops them (resets.ts), and the
 * analysis store drops results made for the old one.
 */
import { create } from "zustand";
import { analysisClient, type Running } from "../client";
import { useAnalysisStore } from "./analysis-store";
import { endedBy, failed, latestRequest } from "./run-state";
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

export const useTokenFlowStore = create<TokenFlowStore>((set, get) => {
  /** The runs going on, to cancel. */
  const running = new Set<Running<unknown>>();
  /** Reset when the image or question changes: a late result for the old one is dropped. */
  const generation = latestRequest();

  const track = <T>(run: Running<T>): Promise<T> => {
    running.add(run);
    return run.result.finally(() => running.delete(run));
  };

  /** Shared set-up of both runs: the input and object mask, or a failure to show. */
  const prepare = (which: "flow" | "patches") => {
    const input = useAnalysisStore.getState().input();
    if (input === null) return null;
    try {
      const objectMask = objectMaskSpecOf(
        useObjectMaskStore.getState().choice,
        currentMaskInputs(),
      );
      return { input, objectMask };
    } catch (error) {
      set({ [which]: failed(error) });
      return null;
    }
  };

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
      const mine = generation.current();
      set({ flow: { status: "running", done: 0, total: 0 } });
      try {
        const run = await track(
          analysisClient.flow(
            input,
            { ...request, ...(windowSize !== null ? { window: windowSize } : {}) },
            (done, total) => {
              if (mine() && get().flow.status === "running") {
                set({ flow: { status: "running", done, total } });
              }
            },
          ),
        );
        if (!mine()) return;
        const analysis = useAnalysisStore.getState();
        analysis.setExtras({ ...analysis.extras, flow: run });
        set({ flow: IDLE });
      } catch (error) {
        if (mine()) set({ flow: endedBy(error) });
      }
    },

    async runPatches() {
      const prepared = prepare("patches");
      if (prepared === null) return;
      const { input, ...request } = prepared;
      const mine = generation.current();
      set({ patches: { status: "running", done: 0, total: 0 } });
      try {
        const result = await track(analysisClient.patches(input, request));
        if (!mine()) return;
        const analysis = useAnalysisStore.getState();
        analysis.setExtras({ ...analysis.extras, patches: result });
        set({ patches: IDLE });
      } catch (error) {
        if (mine()) set({ patches: endedBy(error) });
      }
    },

    cancel() {
      const { flow, patches } = get();
      if (flow.status !== "running" && patches.status !== "running") return;
      for (const run of running) run.cancel();
    },

    forget() {
      get().cancel();
      generation.invalidate();
      set({ flow: IDLE, patches: IDLE });
    },
  };
});
