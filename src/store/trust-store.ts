/**
 * The trust views (src/views/trust): which one is open, the attention weights the
 * attention-vs-effect scatter plots, the baseline-sensitivity run, and the second result
 * a comparison is made with. Model work goes through the workers' client, like every
 * store; the numbers themselves are the engine's (attentionVsEffect, compareBaselines,
 * compareResults), computed by the views from what is kept here.
 *
 * Nothing here needs a reset hook: the attention weights are kept with the image and
 * question they are of, and a view shows them only while they are the session's.
 */
import { create } from "zustand";
import { analysisClient, type Running } from "../client";
import {
  compareBaselines,
  errorMessage,
  parseAnalysisJson,
  parseAttributionResult,
  parseBaselinesResult,
  type AttributionResult,
  type BaselinesResult,
  type ComparedInput,
} from "../engine";
import type { AnalysisInput, BaselineKind } from "../workers/inference-types";
import { endedBy, failed, latestRequest } from "./run-state";
import { sessionInput, useSessionStore } from "./session-store";

export const TRUST_VIEWS = ["attention", "baselines", "compare"] as const;
export type TrustView = (typeof TRUST_VIEWS)[number];

/** Baselines the browser can run (an image baseline is the CLI's: `image:FILE`). */
export const UI_BASELINES: readonly BaselineKind[] = ["mean", "blank"];

export type AttentionState =
  | { status: "idle" }
  | { status: "running"; image: AnalysisInput["image"]; question: string }
  | { status: "done"; image: AnalysisInput["image"]; question: string; scores: Float64Array }
  | { status: "failed"; image: AnalysisInput["image"]; question: string; message: string };

export type BaselinesState =
  | { status: "idle" }
  | { status: "running"; index: number; count: number; done: number; total: number }
  | { status: "done"; result: BaselinesResult; source: "run" | "file" }
  | { status: "failed"; message: string }
  | { status: "cancelled" };

/** The second result of a comparison, and where it came from (shown with it). */
export interface ComparedSecond {
  input: ComparedInput;
  from: string;
}

interface TrustStore {
  view: TrustView;
  attention: AttentionState;
  baselines: BaselineKind[];
  baselineRun: BaselinesState;
  second: ComparedSecond | null;
  secondError: string | null;
  setView(view: TrustView): void;
  /** Computes the session's attention weights unless they are on hand or on the way. */
  loadAttention(): Promise<void>;
  setBaselines(baselines: BaselineKind[]): void;
  runBaselines(): Promise<void>;
  cancelBaselines(): void;
  /** Opens a `headflow.baselines/1` JSON (the CLI's or an export). */
  openBaselinesFile(text: string, name: string): void;
  /** Opens the second result of a comparison: an attribution or sets JSON. */
  openSecond(text: string, name: string): void;
  /** Uses an attribution (e.g. from the history) as the second result. */
  takeSecond(result: AttributionResult, from: string): void;
  clearSecond(): void;
}

/** Whether attention weights were computed for this input's image and question. */
export function attentionFor(
  state: AttentionState,
  input: Pick<AnalysisInput, "image" | "question"> | null,
): boolean {
  return (
    state.status !== "idle" &&
    input !== null &&
    state.image === input.image &&
    state.question === input.question
  );
}

/** Reads a JSON file's text as one side of a comparison. */
export function comparedInputOf(text: string): ComparedInput {
  const value: unknown = JSON.parse(text);
  const tag =
    typeof value === "object" && value !== null && "schema" in value
      ? (value as { schema: unknown }).schema
      : undefined;
  if (tag === "headflow.attribution/1") {
    return { kind: "attribution", result: parseAttributionResult(value) };
  }
  const result = parseAnalysisJson(value);
  if (result.schema !== "headflow.sets/1") {
    throw new Error(
      `a ${result.schema} result has no head scores to compare (open an attribution or sets JSON)`,
    );
  }
  return { kind: "sets", result };
}

export const useTrustStore = create<TrustStore>((set, get) => {
  const attentionRequests = latestRequest();
  const baselineRequests = latestRequest();
  let running: Running<AttributionResult> | null = null;

  return {
    view: "attention",
    attention: { status: "idle" },
    baselines: [...UI_BASELINES],
    baselineRun: { status: "idle" },
    second: null,
    secondError: null,

    setView: (view) => set({ view }),

    async loadAttention() {
      const input = sessionInput();
      if (input === null) return;
      const current = get().attention;
      if (attentionFor(current, input) && current.status !== "failed") return;
      const isLatest = attentionRequests.start();
      const about = { image: input.image, question: input.question };
      set({ attention: { status: "running", ...about } });
      try {
        const scores = await analysisClient.ranking(input, "attention");
        if (isLatest()) set({ attention: { status: "done", ...about, scores } });
      } catch (error) {
        if (isLatest()) set({ attention: { ...about, ...failed(error) } });
      }
    },

    setBaselines(baselines) {
      set({ baselines: UI_BASELINES.filter((b) => baselines.includes(b)) });
    },

    async runBaselines() {
      const input = sessionInput();
      const { baselines } = get();
      if (input === null || baselines.length < 2) return;
      const { samples, alpha, seed } = useSessionStore.getState().settings;
      const isLatest = baselineRequests.start();
      const attributions: AttributionResult[] = [];
      try {
        for (const [index, baseline] of baselines.entries()) {
          set({
            baselineRun: {
              status: "running",
              index,
              count: baselines.length,
              done: 0,
              total: samples,
            },
          });
          running = analysisClient.attribute(
            { ...input, baseline },
            { samples, alpha, seed },
            ({ done, total }) => {
              const now = get().baselineRun;
              if (isLatest() && now.status === "running" && now.index === index) {
                set({ baselineRun: { ...now, done, total } });
              }
            },
          );
          attributions.push(await running.result);
          if (!isLatest()) return;
        }
        set({
          baselineRun: { status: "done", result: compareBaselines(attributions), source: "run" },
        });
      } catch (error) {
        if (isLatest()) set({ baselineRun: endedBy(error) });
      } finally {
        running = null;
      }
    },

    cancelBaselines() {
      if (get().baselineRun.status === "running") running?.cancel();
    },

    openBaselinesFile(text, name) {
      try {
        const result = parseBaselinesResult(JSON.parse(text));
        baselineRequests.invalidate();
        running?.cancel();
        set({ baselineRun: { status: "done", result, source: "file" } });
      } catch (error) {
        set({
          baselineRun: {
            status: "failed",
            message: `${name} could not be opened: ${errorMessage(error)}`,
          },
        });
      }
    },

    openSecond(text, name) {
      try {
        set({ second: { input: comparedInputOf(text), from: name }, secondError: null });
      } catch (error) {
        set({ secondError: `${name} could not be opened: ${errorMessage(error)}` });
      }
    },

    takeSecond: (result, from) =>
      set({ second: { input: { kind: "attribution", result }, from }, secondError: null }),

    clearSecond: () => set({ second: null, secondError: null }),
  };
});
