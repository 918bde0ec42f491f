/**
 * Which per-head score the heatmap shows: the attribution, the attention weight (final
 * token -> image mass) or the single-head ablation effect. The last two are the engine's
 * rankings (rankings.ts), computed on demand in the worker and kept for the current image.
 */
import { create } from "zustand";
import type { RankingKind } from "../workers/inference-types";
import { inferenceWorker } from "../workers/inference-client";
import { messageOf, useAnalysisStore } from "./analysis-store";

export type ScoreMode = "attribution" | RankingKind;

export const MODE_LABELS: Record<ScoreMode, string> = {
  attribution: "Attribution",
  attention: "Attention weight",
  "single-head": "Single-head ablation",
};

export type RankingState =
  | { status: "running" }
  | { status: "done"; scores: Float64Array }
  | { status: "failed"; message: string };

interface RankingStore {
  mode: ScoreMode;
  rankings: Partial<Record<RankingKind, RankingState>>;
  setMode(mode: ScoreMode): Promise<void>;
  reset(): void;
}

export const useRankingStore = create<RankingStore>((set, get) => {
  let generation = 0;
  return {
    mode: "attribution",
    rankings: {},
    async setMode(mode) {
      set({ mode });
      if (mode === "attribution" || get().rankings[mode]?.status === "done") return;
      const input = useAnalysisStore.getState().input();
      if (input === null) return;
      const mine = generation;
      const update = (state: RankingState) => {
        if (mine === generation) set({ rankings: { ...get().rankings, [mode]: state } });
      };
      update({ status: "running" });
      try {
        update({ status: "done", scores: await inferenceWorker().ranking(input, mode) });
      } catch (error) {
        update({ status: "failed", message: messageOf(error) });
      }
    },
    reset() {
      generation++;
      set({ rankings: {} });
    },
  };
});

useAnalysisStore.subscribe((state, previous) => {
  const changed =
    state.image !== previous.image ||
    state.asked !== previous.asked ||
    state.settings.baseline !== previous.settings.baseline ||
    state.settings.target !== previous.settings.target;
  if (changed) {
    useRankingStore.getState().reset();
    const { mode } = useRankingStore.getState();
    if (mode !== "attribution") void useRankingStore.getState().setMode(mode);
  }
});
