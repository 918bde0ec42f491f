/**
 * Faithfulness and completeness curves of the head rankings (the engine's evaluate: the
 * paper's comparison of attribution with attention weight, single-head ablation and
 * random orders), computed on demand for the analysed image with the current settings.
 */
import { create } from "zustand";
import type { EvaluateResult } from "../engine";
import { analysisClient } from "../client";
import { failed, latestRequest } from "./run-state";
import { sessionInput, sessionSettings } from "./session-store";

export type EvaluateState =
  | { status: "idle" }
  | { status: "running" }
  | { status: "done"; result: EvaluateResult }
  | { status: "failed"; message: string };

interface EvaluateStore {
  state: EvaluateState;
  run(): Promise<void>;
  /** Forgets the curves and any run in progress (a new image or question). */
  reset(): void;
}

export const useEvaluateStore = create<EvaluateStore>((set) => {
  const requests = latestRequest();
  return {
    state: { status: "idle" },
    async run() {
      const input = sessionInput();
      if (input === null) return;
      const isLatest = requests.start();
      set({ state: { status: "running" } });
      try {
        const { samples, seed } = sessionSettings();
        const result = await analysisClient.evaluate(input, samples, seed);
        if (isLatest()) set({ state: { status: "done", result } });
      } catch (error) {
        if (isLatest()) set({ state: failed(error) });
      }
    },
    reset() {
      requests.invalidate();
      set({ state: { status: "idle" } });
    },
  };
});
