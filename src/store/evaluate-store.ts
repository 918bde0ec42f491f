/**
 * Faithfulness and completeness curves of the head rankings (the engine's evaluate: the
 * paper's comparison of attribution with attention weight, single-head ablation and
 * random orders), computed on demand for the analysed image with the current settings.
 */
import { create } from "zustand";
import type { EvaluateResult } from "../engine";
import { inferenceWorker } from "../workers/inference-client";
import { messageOf, useAnalysisStore } from "./analysis-store";

export type EvaluateState =
  | { status: "idle" }
  | { status: "running" }
  | { status: "done"; result: EvaluateResult }
  | { status: "failed"; message: string };

interface EvaluateStore {
  state: EvaluateState;
  run(): Promise<void>;
}

export const useEvaluateStore = create<EvaluateStore>((set) => {
  let generation = 0;
  return {
    state: { status: "idle" },
    async run() {
      const analysis = useAnalysisStore.getState();
      const input = analysis.input();
      if (input === null) return;
      const mine = ++generation;
      set({ state: { status: "running" } });
      try {
        const { samples, seed } = analysis.settings;
        const result = await inferenceWorker().evaluate(input, samples, seed);
        if (mine === generation) set({ state: { status: "done", result } });
      } catch (error) {
        if (mine === generation) set({ state: { status: "failed", message: messageOf(error) } });
      }
    },
  };
});

useAnalysisStore.subscribe((state, previous) => {
  if (state.image !== previous.image || state.asked !== previous.asked) {
    useEvaluateStore.setState({ state: { status: "idle" } });
  }
});
