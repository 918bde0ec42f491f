/**
 * The token flow (knockout curves + text-to-patch attention): its run, with progress and
 * Cancel, and its result, which the permalink and the history carry (shown-analysis.ts).
 * It reads the session's input and the object mask; a new image or question forgets the
 * run and the result (resets.ts), and a late result for the old one is dropped.
 */
import { create } from "zustand";
import { analysisClient, type Running } from "../client";
import type { TokenFlowRun } from "../workers/token-flow-types";
import { useObjectMaskStore } from "./object-mask-store";
import { endedBy, failed, latestRequest, type ResultSource, type RunState } from "./run-state";
import { sessionInput } from "./session-store";

export type { RunState } from "./run-state";

interface TokenFlowStore {
  state: RunState;
  /** The token flow on show: this page's run's, or an opened analysis's. */
  result: TokenFlowRun | null;
  /** Where `result` came from. */
  source: ResultSource;
  /** Knockout window in layers; null: the engine's default (a quarter of the layers). */
  windowSize: number | null;
  setWindowSize(windowSize: number | null): void;
  run(): Promise<void>;
  cancel(): void;
  /** Shows an opened analysis's token flow (or none). */
  show(result: TokenFlowRun | null, source: Exclude<ResultSource, "run">): void;
  /** Stops the run and forgets it and the result (a new image or question). */
  forget(): void;
}

const IDLE: RunState = { status: "idle" };

export const useTokenFlowStore = create<TokenFlowStore>((set, get) => {
  let running: Running<TokenFlowRun> | null = null;
  /** Reset when the image or question changes: a late result for the old one is dropped. */
  const generation = latestRequest();

  return {
    state: IDLE,
    result: null,
    source: "run",
    windowSize: null,
    setWindowSize: (windowSize) => set({ windowSize }),

    async run() {
      const input = sessionInput();
      if (input === null) return;
      let objectMask;
      try {
        objectMask = useObjectMaskStore.getState().spec();
      } catch (error) {
        set({ state: failed(error) });
        return;
      }
      const { windowSize } = get();
      const mine = generation.current();
      set({ state: { status: "running", done: 0, total: 0 } });
      try {
        const request = { objectMask, ...(windowSize !== null ? { window: windowSize } : {}) };
        running = analysisClient.flow(input, request, (done, total) => {
          if (mine() && get().state.status === "running") {
            set({ state: { status: "running", done, total } });
          }
        });
        const result = await running.result;
        if (mine()) set({ state: IDLE, result, source: "run" });
      } catch (error) {
        if (mine()) set({ state: endedBy(error) });
      }
    },

    cancel() {
      if (get().state.status === "running") running?.cancel();
    },

    show(result, source) {
      set({ result, source });
    },

    forget() {
      get().cancel();
      generation.invalidate();
      set({ state: IDLE, result: null, source: "run" });
    },
  };
});
