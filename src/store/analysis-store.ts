/**
 * The analysis being explored: the image (at model resolution), the question, the
 * attribution settings, the model's answer and the attribution with its live estimates.
 * Model work goes through the workers' client (src/client); this store only keeps what
 * the views show, and turns worker failures into one-line messages (run-state.ts).
 */
import { create } from "zustand";
import { analysisClient, type Running } from "../client";
import {
  DEFAULT_ATTRIBUTION,
  type AnswerResult,
  type AttributionResult,
  type TargetKind,
} from "../engine";
import type { AnalysisInput, AttributionUpdate, BaselineKind } from "../workers/inference-types";
import { useBackendStore } from "./backend-store";
import {
  buildPayload,
  hasResultsToShow,
  unpackImage,
  type AnalysisPayload,
  type NamedRgbaImage,
} from "./analysis-payload";
import { NO_EXTRAS, extrasOf, type AnalysisExtras } from "./analysis-extras";
import { endedBy, failed, latestRequest } from "./run-state";

export interface UserSettings {
  samples: number;
  alpha: number;
  seed: number;
  baseline: BaselineKind;
  target: TargetKind;
}

export const DEFAULT_SETTINGS: UserSettings = {
  samples: DEFAULT_ATTRIBUTION.samples,
  alpha: DEFAULT_ATTRIBUTION.alpha,
  seed: DEFAULT_ATTRIBUTION.seed,
  baseline: "mean",
  target: "logit",
};

export type AskState =
  | { status: "idle" }
  | { status: "running" }
  | { status: "done"; result: AnswerResult }
  | { status: "failed"; message: string };

/** Where a shown attribution came from: this page's run, a permalink/history, a file. */
export type AttributionSource = "run" | "link" | "file";

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
  image: NamedRgbaImage | null;
  /** The question box's text. */
  question: string;
  /** The question the shown analyses are about (committed by Ask or Run attribution). */
  asked: string;
  settings: UserSettings;
  ask: AskState;
  attribution: AttributionState;
  comparison: Comparison | null;
  /** Why an opened permalink could not be shown. */
  linkError: string | null;
  /** Token flow and object vs background results (analysis-extras.ts), carried by the payload. */
  extras: AnalysisExtras;
  setExtras(extras: AnalysisExtras): void;
  setQuestion(question: string): void;
  setSettings(settings: Partial<UserSettings>): void;
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
  /** Shows a saved analysis at once (no model work), from a permalink or the history. */
  openPayload(payload: AnalysisPayload): void;
  /** Shows an attribution JSON written by the CLI (no image: head detail is unavailable). */
  openAttributionFile(result: AttributionResult): void;
  showLinkError(message: string | null): void;
  /** Recomputes the shown attribution with its own settings and reports the difference. */
  recompute(): Promise<void>;
  /** The shown analysis as a permalink payload, or null when there is none. */
  payload(): AnalysisPayload | null;
  input(): AnalysisInput | null;
}

function emptyScores(result: { layers: number; heads: number }): Float64Array {
  return new Float64Array(result.layers * result.heads).fill(Number.NaN);
}

/** Flat layer-major scores of an attribution result. */
export function flatScores(result: AttributionResult): Float64Array {
  return Float64Array.from(result.scores.flat());
}

export const useAnalysisStore = create<AnalysisStore>((set, get) => {
  /** Only the latest request may write its answer (the user can ask again meanwhile). */
  const askRequests = latestRequest();
  /** The running attribution or recompute. */
  let running: Running<AttributionResult> | null = null;

  /**
   * Commits the question box as the question analysed: results of another question (the
   * token flow's, object vs background's) no longer apply.
   */
  const commitQuestion = () => {
    const { question, asked } = get();
    if (question !== asked) set({ asked: question, extras: NO_EXTRAS });
  };

  const settingsOf = (result: AttributionResult): UserSettings => ({
    samples: result.settings.samples,
    alpha: result.settings.alpha,
    seed: result.settings.seed,
    baseline: result.baseline === "blank" ? "blank" : "mean",
    target: result.target,
  });

  const attributeNow = (
    input: AnalysisInput,
    settings: UserSettings,
    onUpdate: (update: AttributionUpdate) => void,
  ) => {
    const { samples, alpha, seed } = settings;
    running = analysisClient.attribute(input, { samples, alpha, seed }, onUpdate);
    return running.result;
  };

  return {
    image: null,
    question: "",
    asked: "",
    settings: DEFAULT_SETTINGS,
    ask: { status: "idle" },
    attribution: { status: "idle" },
    comparison: null,
    linkError: null,
    extras: NO_EXTRAS,

    setExtras: (extras) => set({ extras }),
    setQuestion: (question) => set({ question }),
    setSettings: (settings) => set({ settings: { ...get().settings, ...settings } }),

    async analyseImage(name, width, height, pixels) {
      get().cancel();
      set({ ask: { status: "running" }, attribution: { status: "idle" }, comparison: null });
      try {
        const small = await analysisClient.prepareImage({ width, height, data: pixels });
        // The old image's token flow and object vs background results go with it.
        set({ image: { ...small, name }, linkError: null, extras: NO_EXTRAS });
      } catch (error) {
        set({ ask: failed(error, `${name} could not be prepared`) });
        return;
      }
      await get().askQuestion();
    },

    async askQuestion() {
      commitQuestion();
      const input = get().input();
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
      commitQuestion();
      const input = get().input();
      if (input === null) return;
      const { settings } = get();
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

    openPayload(payload) {
      get().cancel();
      askRequests.invalidate();
      const { attribution } = payload;
      set({
        image: unpackImage(payload.image),
        question: payload.question,
        asked: payload.question,
        // Without an attribution (token flow only) the link has no settings: keep the user's.
        settings: attribution ? settingsOf(attribution) : get().settings,
        ask: payload.answer ? { status: "done", result: payload.answer } : { status: "idle" },
        attribution: attribution
          ? { status: "done", result: attribution, source: "link" }
          : { status: "idle" },
        comparison: null,
        linkError: null,
        extras: extrasOf(payload),
      });
    },

    openAttributionFile(result) {
      get().cancel();
      askRequests.invalidate();
      set({
        image: null,
        question: result.question,
        asked: result.question,
        settings: settingsOf(result),
        ask: { status: "idle" },
        attribution: { status: "done", result, source: "file" },
        comparison: null,
        linkError: null,
        extras: NO_EXTRAS,
      });
    },

    showLinkError: (linkError) => set({ linkError }),

    async recompute() {
      const shown = get().attribution;
      const input = get().input();
      if (shown.status !== "done" || input === null) return;
      set({ comparison: { status: "running" } });
      try {
        const fresh = await attributeNow(
          { ...input, question: shown.result.question },
          settingsOf(shown.result),
          () => {},
        );
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

    payload() {
      const { image, ask, extras } = get();
      const attribution = shownAttribution(get());
      if (image === null || !hasResultsToShow(attribution, extras)) return null;
      return buildPayload(image, ask.status === "done" ? ask.result : null, attribution, extras);
    },

    input() {
      const { image, asked, settings } = get();
      if (image === null) return null;
      return { image, question: asked, baseline: settings.baseline, target: settings.target };
    },
  };
});

/** The finished attribution on show, or null (none yet, running, failed, cancelled). */
function shownAttribution(state: AnalysisStore): AttributionResult | null {
  return state.attribution.status === "done" ? state.attribution.result : null;
}

/**
 * Whether the shown analysis can be shared or kept: an image with an attribution, a token
 * flow or an object vs background result (a selector: payload() would pack the image).
 */
export function canSharePayload(state: AnalysisStore): boolean {
  return state.image !== null && hasResultsToShow(shownAttribution(state), state.extras);
}

/** The loaded model's shape (layers x heads), for the empty map of a starting run. */
function layersOf(state: AnalysisStore): { layers: number; heads: number } {
  if (state.attribution.status === "done") return state.attribution.result;
  const backend = useBackendStore.getState().state;
  return backend.status === "ready" ? backend.report.model : { layers: 0, heads: 0 };
}
