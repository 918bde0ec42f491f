/**
 * Which per-head score the heatmap shows: the attribution, the attention weight (final
 * token -> image mass) or the single-head ablation effect. The last two are the engine's
 * rankings (rankings.ts), computed on demand in the worker and kept for the session's
 * input (resets.ts refreshes them when it changes).
 */
import { create } from "zustand";
import type { RankingKind } from "../workers/inference-types";
import { analysisClient } from "../client";
import { failed, latestRequest } from "./run-state";
import { sessionInput } from "./session-store";

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
  /** Forgets the rankings (their input changed) and recomputes the one on show. */
  refresh(): void;
}

export const useRankingStore = create<RankingStore>((set, get) => {
  /** A reset makes every ranking being computed stale. */
  const generation = latestRequest();
  return {
    mode: "attribution",
    rankings: {},
    async setMode(mode) {
      set({ mode });
      if (mode === "attribution" || get().rankings[mode]?.status === "done") return;
      const input = sessionInput();
      if (input === null) return;
      const current = generation.current();
      const update = (state: RankingState) => {
        if (current()) set({ rankings: { ...get().rankings, [mode]: state } });
      };
      update({ status: "running" });
      try {
        update({ status: "done", scores: await analysisClient.ranking(input, mode) });
      } catch (error) {
        update(failed(error));
      }
    },
    refresh() {
      generation.invalidate();
      set({ rankings: {} });
      const { mode } = get();
      if (mode !== "attribution") void get().setMode(mode);
    },
  };
});
