/**
 * The model's answer and the attribution of the session's image and question (session-store.ts),
 * with the attribution's live estimates, and the recomputation of an opened attribution.
 * Model work goes through the workers' client (src/client); this store only keeps what
 * the views show, and turns worker failures into one-line messages (run-state.ts). It
 * reads the session and the loaded model, and no other store.
 */
import { create } from "zustand";
import { analysisClient, type Running } from "../client";
import type { AnswerResult, AttributionResult } from "../engine";
import type { AnalysisInput, AttributionUpdate } from "../workers/inference-types";
import { endedBy, failed, latestRequest, type ResultSource } from "./run-state";
import {
  commitQuestion,
  loadedModel,
  openSession,
  sessionInput,
  sessionSettings,
  settingsOf,
  startImage,
  type UserSettings,
} from "./session-store";

export type AskState =
  | { status: "idle" }
  | { status: "running" }
  | { status: "done"; result: AnswerResult }
  | { status: "failed"; message: string };

/** Where a shown attribution came from: this page's run, a permalink/history, a file. */
export type AttributionSource = ResultSource;

export type AttributionState =
  | { status: "idle" }
  | {
      status: "running";
      done: number;
      total: number;
      startedAt: number;
      /** When the latest update arrived (performance.now()), for the time-left estimate. */
      updatedAt: number;
      /** Latest estimate (layer-major), NaN until the fit has enough masks. */
      scores: Float64Array;
      heldOutR: number | null;
    }
  | { status: "done"; result: AttributionResult; source: AttributionSource }
  | { status: "failed"; message: string }
  | { status: "cancelled" };

export type Comparison =
  | { status: "running" }
  | { status: "done"; maxDifference: number; heldOutR: number | null }
  | { status: "failed"; message: string };

export interface AnalysisStore {
  ask: AskState;
  attribution: AttributionState;
  comparison: Comparison | null;
  /** Why an opened permalink could not be shown. */
  linkError: string | null;
  /** A newly decoded image: resized to model resolution in the worker, then asked about. */
  analyseImage(
    name: string,
    width: number,
    height: number,
    pixels: Uint8ClampedArray,
  ): Promise<void>;
  askQuestion(): Promise<void>;
  runAttribution(): Promise<void>;
  cancel(): void;
  /**
   * Shows the answer and attribution of an opened analysis at once (no model work); the
   * session gets its image and question from the opener (shown-analysis.ts).
   */
  openResults(
    answer: AnswerResult | null,
    attribution: AttributionResult | null,
    source: Exclude<ResultSource, "run">,
  ): void;
  /** Shows an attribution JSON written by the CLI (no image: head detail is unavailable). */
  openAttributionFile(result: AttributionResult): void;
  showLinkError(message: string | null): void;
  /** Recomputes the shown attribution with its own settings and reports the difference. */
  recompute(): Promise<void>;
}

function emptyScores(result: { layers: number; heads: number }): Float64Array {
  return new Float64Array(result.layers * result.heads).fill(Number.NaN);
}

/** Flat layer-major scores of an attribution result. */
export function flatScores(result: AttributionResult): Float64Array {
  return Float64Array.from(result.scores.flat());
}

/**
 * Why the loaded model cannot recompute `result`, or null when it can: scores of another
 * shape (layers x heads) than the result's name other heads, and comparing them head by
 * head would report differences that mean nothing.
 */
export function recomputeRefusal(
  result: Pick<AttributionResult, "layers" | "heads" | "model">,
  model: { id: string; layers: number; heads: number },
): string | null {
  if (model.layers === result.layers && model.heads === result.heads) return null;
  return (
    `Cannot recompute: this attribution was computed on ${result.model.id} with ` +
    `${result.layers} layers x ${result.heads} heads, but the loaded model (${model.id}) has ` +
    `${model.layers} layers x ${model.heads} heads, so their scores cannot be compared head ` +
    `by head. Load ${result.model.id} to recompute it.`
  );
}

export const useAnalysisStore = create<AnalysisStore>((set, get) => {
  /** Only the latest request may write its answer (the user can ask again meanwhile). */
  const askRequests = latestRequest();
  /** The running attribution or recompute. */
  let running: Running<AttributionResult> | null = null;

  const attributeNow = (
    input: AnalysisInput,
    settings: UserSettings,
    onUpdate: (update: AttributionUpdate) => void,
  ) => {
    const { samples, alpha, seed, stop } = settings;
    running = analysisClient.attribute(input, { samples, alpha, seed, stop }, onUpdate);
    return running.result;
  };

  return {
    ask: { status: "idle" },
    attribution: { status: "idle" },
    comparison: null,
    linkError: null,

    async analyseImage(name, width, height, pixels) {
      get().cancel();
      set({ ask: { status: "running" }, attribution: { status: "idle" }, comparison: null });
      try {
        const small = await analysisClient.prepareImage({ width, height, data: pixels });
        set({ linkError: null });
        // A new session: what the old image's results were (resets.ts) goes with it.
        startImage({ ...small, name });
      } catch (error) {
        set({ ask: failed(error, `${name} could not be prepared`) });
        return;
      }
      await get().askQuestion();
    },

    async askQuestion() {
      const input = commitQuestion();
      if (input === null) return;
      const isLatest = askRequests.start();
      set({ ask: { status: "running" } });
      try {
        const result = await analysisClient.ask(input);
        if (isLatest()) set({ ask: { status: "done", result } });
      } catch (error) {
        if (isLatest()) set({ ask: failed(error) });
      }
    },

    async runAttribution() {
      const input = commitQuestion();
      if (input === null) return;
      const settings = sessionSettings();
      const { layers, heads } = layersOf(get());
      const startedAt = performance.now();
      set({
        comparison: null,
        attribution: {
          status: "running",
          done: 0,
          total: settings.samples,
          startedAt,
          updatedAt: startedAt,
          scores: emptyScores({ layers, heads }),
          heldOutR: null,
        },
      });
      try {
        const result = await attributeNow(input, settings, (update) => {
          const current = get().attribution;
          if (current.status !== "running" || current.startedAt !== startedAt) return;
          set({
            attribution: {
              ...current,
              done: update.done,
              total: update.total,
              updatedAt: performance.now(),
              // A new array object per update: the heatmap repaints on identity.
              ...(update.scores ? { scores: update.scores } : {}),
              ...(update.heldOutR !== undefined ? { heldOutR: update.heldOutR } : {}),
            },
          });
        });
        set({ attribution: { status: "done", result, source: "run" } });
      } catch (error) {
        set({ attribution: endedBy(error) });
      }
    },

    cancel() {
      if (get().attribution.status === "running" || get().comparison?.status === "running") {
        running?.cancel();
      }
    },

    openResults(answer, attribution, source) {
      get().cancel();
      askRequests.invalidate();
      set({
        ask: answer ? { status: "done", result: answer } : { status: "idle" },
        attribution: attribution
          ? { status: "done", result: attribution, source }
          : { status: "idle" },
        comparison: null,
        linkError: null,
      });
    },

    openAttributionFile(result) {
      get().openResults(null, result, "file");
      openSession({ image: null, question: result.question, settings: settingsOf(result) });
    },

    showLinkError: (linkError) => set({ linkError }),

    async recompute() {
      const shown = get().attribution;
      const input = sessionInput();
      if (shown.status !== "done" || input === null) return;
      // Checked up front when the model is known; a model still loading (the run then waits
      // for it in the worker) is checked by the shape of what it computed.
      const model = loadedModel();
      const refusal = model === null ? null : recomputeRefusal(shown.result, model);
      if (refusal !== null) {
        set({ comparison: { status: "failed", message: refusal } });
        return;
      }
      set({ comparison: { status: "running" } });
      try {
        const fresh = await attributeNow(
          { ...input, question: shown.result.question },
          settingsOf(shown.result),
          () => {},
        );
        const { layers, heads } = fresh;
        const late = recomputeRefusal(shown.result, { id: fresh.model.id, layers, heads });
        if (late !== null) {
          set({ comparison: { status: "failed", message: late } });
          return;
        }
        const before = flatScores(shown.result);
        const after = flatScores(fresh);
        let maxDifference = 0;
        before.forEach((value, i) => {
          maxDifference = Math.max(maxDifference, Math.abs(value - after[i]!));
        });
        set({ comparison: { status: "done", maxDifference, heldOutR: fresh.fit.heldOutR } });
      } catch (error) {
        set({ comparison: failed(error) });
      }
    },
  };
});

/** The finished attribution on show, or null (none yet, running, failed, cancelled). */
export function shownAttribution(
  state: Pick<AnalysisStore, "attribution">,
): AttributionResult | null {
  return state.attribution.status === "done" ? state.attribution.result : null;
}

/** The loaded model's shape (layers x heads), for the empty map of a starting run. */
function layersOf(state: AnalysisStore): { layers: number; heads: number } {
  if (state.attribution.status === "done") return state.attribution.result;
  return loadedModel() ?? { layers: 0, heads: 0 };
}
