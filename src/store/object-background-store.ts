/**
 * Object vs background (the text's attention to the object patches, to the background
 * patches and to each single patch, blocked in every layer): its run, with Cancel, and
 * its result, which the permalink and the history carry (shown-analysis.ts). It reads the
 * session's input and the object mask; a new image or question forgets the run and the
 * result (resets.ts), and a late result for the old one is dropped.
 */
import { create } from "zustand";
import { analysisClient, type Running } from "../client";
import type { PatchesResult } from "../engine";
import { useObjectMaskStore } from "./object-mask-store";
import { endedBy, failed, latestRequest, type ResultSource, type RunState } from "./run-state";
import { sessionInput } from "./session-store";

interface ObjectBackgroundStore {
  state: RunState;
  /** The result on show: this page's run's, or an opened analysis's. */
  result: PatchesResult | null;
  /** Where `result` came from. */
  source: ResultSource;
  run(): Promise<void>;
  cancel(): void;
  /** Shows an opened analysis's result (or none). */
  show(result: PatchesResult | null, source: Exclude<ResultSource, "run">): void;
  /** Stops the run and forgets it and the result (a new image or question). */
  forget(): void;
}

const IDLE: RunState = { status: "idle" };

export const useObjectBackgroundStore = create<ObjectBackgroundStore>((set, get) => {
  let running: Running<PatchesResult> | null = null;
  /** Reset when the image or question changes: a late result for the old one is dropped. */
  const generation = latestRequest();

  return {
    state: IDLE,
    result: null,
    source: "run",

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
      const mine = generation.current();
      set({ state: { status: "running", done: 0, total: 0 } });
      try {
        running = analysisClient.patches(input, { objectMask });
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
