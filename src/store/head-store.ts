/**
 * The head detail: the selected head's ablation impact and its final-token attention over
 * the image, and a set of heads ablated together. Cleared by a new image or question
 * (resets.ts). Reads the session's input and the loaded model's info.
 */
import { create } from "zustand";
import { analysisClient } from "../client";
import { formatHead, type HeadRef, type AblationResult, type DisplayMap } from "../engine";
import { failed, latestRequest } from "./run-state";
import { loadedModel, sessionInput } from "./session-store";

export type DetailState =
  | { status: "idle" }
  | { status: "running" }
  /**
   * `attention`: the head's map on the image's display grid (a tiled image's mosaic);
   * "no grid" where the image block has no grid to draw on; null for a model whose graphs
   * expose no attention.
   */
  | { status: "done"; ablation: AblationResult; attention: DisplayMap | "no grid" | null }
  | { status: "failed"; message: string };

export type JointState =
  | { status: "idle" }
  | { status: "running" }
  | { status: "done"; ablation: AblationResult }
  | { status: "failed"; message: string };

interface HeadStore {
  selected: HeadRef | null;
  detail: DetailState;
  heads: HeadRef[];
  joint: JointState;
  select(head: HeadRef): Promise<void>;
  addToSet(head: HeadRef): void;
  removeFromSet(head: HeadRef): void;
  ablateSet(): Promise<void>;
  reset(): void;
}

/** Whether the loaded model's graphs expose attention weights (its model info says). */
function hasAttentionMaps(): boolean {
  return loadedModel()?.attentionMaps ?? false;
}

const sameHead = (a: HeadRef, b: HeadRef) => a.layer === b.layer && a.head === b.head;

export const useHeadStore = create<HeadStore>((set, get) => {
  const requests = latestRequest();
  return {
    selected: null,
    detail: { status: "idle" },
    heads: [],
    joint: { status: "idle" },

    async select(head) {
      const input = sessionInput();
      const isLatest = requests.start();
      set({ selected: head, detail: input === null ? { status: "idle" } : { status: "running" } });
      if (input === null) return;
      try {
        // One at a time: the worker runs model calls in turn anyway.
        const ablation = await analysisClient.ablate(input, [head]);
        const attention = hasAttentionMaps()
          ? ((await analysisClient.headAttention(input, head)) ?? "no grid")
          : null;
        if (isLatest()) set({ detail: { status: "done", ablation, attention } });
      } catch (error) {
        if (isLatest()) set({ detail: failed(error) });
      }
    },

    addToSet(head) {
      if (get().heads.some((h) => sameHead(h, head))) return;
      const heads = [...get().heads, head].sort((a, b) => a.layer - b.layer || a.head - b.head);
      set({ heads, joint: { status: "idle" } });
    },

    removeFromSet(head) {
      set({ heads: get().heads.filter((h) => !sameHead(h, head)), joint: { status: "idle" } });
    },

    async ablateSet() {
      const input = sessionInput();
      const { heads } = get();
      if (input === null || heads.length === 0) return;
      set({ joint: { status: "running" } });
      try {
        const ablation = await analysisClient.ablate(input, heads);
        // The set may have changed while this ran; keep the result only if it still matches.
        const now = get().heads.map(formatHead).join(",");
        if (now === heads.map(formatHead).join(",")) set({ joint: { status: "done", ablation } });
      } catch (error) {
        set({ joint: failed(error) });
      }
    },

    reset() {
      requests.invalidate();
      set({ selected: null, detail: { status: "idle" }, heads: [], joint: { status: "idle" } });
    },
  };
});
