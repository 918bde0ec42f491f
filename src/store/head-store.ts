/**
 * The head detail: the selected head's ablation impact and its final-token attention over
 * the image, and a set of heads ablated together. Cleared when the analysed image changes.
 */
import { create } from "zustand";
import { formatHead, type HeadRef, type AblationResult, ATTENTION_UNAVAILABLE } from "../engine";
import { inferenceWorker } from "../workers/inference-client";
import { messageOf, useAnalysisStore } from "./analysis-store";

export type DetailState =
  | { status: "idle" }
  | { status: "running" }
  /** `attention` is null for a model whose graphs expose no attention (third-party exports). */
  | { status: "done"; ablation: AblationResult; attention: Float64Array | null }
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

const sameHead = (a: HeadRef, b: HeadRef) => a.layer === b.layer && a.head === b.head;

export const useHeadStore = create<HeadStore>((set, get) => {
  let request = 0;
  return {
    selected: null,
    detail: { status: "idle" },
    heads: [],
    joint: { status: "idle" },

    async select(head) {
      const input = useAnalysisStore.getState().input();
      const mine = ++request;
      set({ selected: head, detail: input === null ? { status: "idle" } : { status: "running" } });
      if (input === null) return;
      try {
        const worker = inferenceWorker();
        // One at a time: the worker runs model calls in turn anyway.
        const ablation = await worker.ablate(input, [head]);
        const attention = await worker.headAttention(input, head).catch((error: unknown) => {
          if (messageOf(error).startsWith(ATTENTION_UNAVAILABLE)) return null;
          throw error;
        });
        if (mine === request) set({ detail: { status: "done", ablation, attention } });
      } catch (error) {
        if (mine === request) set({ detail: { status: "failed", message: messageOf(error) } });
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
      const input = useAnalysisStore.getState().input();
      const { heads } = get();
      if (input === null || heads.length === 0) return;
      set({ joint: { status: "running" } });
      try {
        const ablation = await inferenceWorker().ablate(input, heads);
        // The set may have changed while this ran; keep the result only if it still matches.
        const now = get().heads.map(formatHead).join(",");
        if (now === heads.map(formatHead).join(",")) set({ joint: { status: "done", ablation } });
      } catch (error) {
        set({ joint: { status: "failed", message: messageOf(error) } });
      }
    },

    reset() {
      request++;
      set({ selected: null, detail: { status: "idle" }, heads: [], joint: { status: "idle" } });
    },
  };
});

// A different image or question makes every head result stale.
useAnalysisStore.subscribe((state, previous) => {
  if (state.image !== previous.image || state.asked !== previous.asked) {
    useHeadStore.getState().reset();
  }
});
