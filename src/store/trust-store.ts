/**
 * The trust views (src/views/trust): which one is open, the attention weights the
 * attention-vs-effect scatter plots, the baseline-sensitivity run (and the image chosen as
 * one of its baselines), and the second result a comparison is made with. Model work goes
 * through the workers' client, like every store; the numbers themselves are the engine's
 * (attentionVsEffect, compareBaselines, compareResults), computed by the views from what
 * is kept here. What of this a permalink carries: trust-link-schema.ts.
 *
 * Nothing here needs a reset hook: the attention weights and a baseline run are kept with
 * the image and question they are of, and a view shows them only while they are the
 * session's. An opened permalink sets the whole state (openLink).
 */
import { create } from "zustand";
import { analysisClient, type Decoder, type Running } from "../client";
import {
  compareBaselines,
  errorMessage,
  parseAnalysisJson,
  parseAttributionResult,
  parseBaselinesResult,
  type AttributionResult,
  type AttributionSettings,
  type BaselinesResult,
  type ComparedInput,
  type RgbaImage,
} from "../engine";
import type {
  AnalysisInput,
  AttributeInput,
  AttributionUpdate,
  BaselineChoice,
  RankingKind,
} from "../workers/inference-types";
import type { NamedRgbaImage } from "./analysis-payload";
import { decodeImageFile } from "./image-store";
import { endedBy, failed, latestRequest } from "./run-state";
import { sessionInput, useSessionStore } from "./session-store";
import {
  DEFAULT_TRUST_BASELINES,
  TRUST_BASELINES,
  type TrustBaseline,
  type TrustView,
} from "./trust-link-schema";

export { TRUST_VIEWS, type TrustView } from "./trust-link-schema";

/** Baselines the browser can run: an image one once the user has chosen the image. */
export const UI_BASELINES: readonly TrustBaseline[] = TRUST_BASELINES;

export type AttentionState =
  | { status: "idle" }
  | { status: "running"; image: AnalysisInput["image"]; question: string }
  | { status: "done"; image: AnalysisInput["image"]; question: string; scores: Float64Array }
  | { status: "failed"; image: AnalysisInput["image"]; question: string; message: string };

/** The image and question a baseline run is of. */
export interface RunOf {
  image: NamedRgbaImage;
  question: string;
}

export type BaselinesState =
  | { status: "idle" }
  /** Opened from a permalink whose comparison had been run: run again when shown. */
  | { status: "queued"; of: RunOf }
  | {
      status: "running";
      of: RunOf;
      /** The result labels of the baselines being run (`image:<name>` for an image). */
      labels: string[];
      index: number;
      done: number;
      total: number;
    }
  | { status: "done"; result: BaselinesResult; source: "run"; of: RunOf }
  | { status: "done"; result: BaselinesResult; source: "file" }
  | { status: "failed"; message: string }
  | { status: "cancelled" };

/** Where choosing the baseline image stands (the image itself is `baselineImage`). */
export type BaselineImageState =
  { status: "idle" } | { status: "decoding"; name: string } | { status: "failed"; message: string };

/** The second result of a comparison, and where it came from (shown with it). */
export interface ComparedSecond {
  input: ComparedInput;
  from: string;
}

/** What the trust store asks of the workers (the client; a fake in tests). */
export interface TrustClient {
  ranking(input: AnalysisInput, kind: RankingKind): Promise<Float64Array>;
  attribute(
    input: AttributeInput,
    settings: Partial<AttributionSettings>,
    onUpdate: (update: AttributionUpdate) => void,
  ): Running<AttributionResult>;
  /** The image at the model's resolution, made in the inference worker. */
  prepareImage(image: RgbaImage): Promise<RgbaImage>;
  /** The image worker's decoder: the main image's checks and messages. */
  decode: Decoder;
}

/** The state a permalink's `trust` field restores (trust-link.ts makes it). */
export interface TrustLinkState {
  view: TrustView;
  baselines: TrustBaseline[];
  baselineImage: NamedRgbaImage | null;
  /** Run the baseline comparison again for the opened image and question. */
  rerun: RunOf | null;
  second: ComparedSecond | null;
}

export interface TrustStore {
  view: TrustView;
  attention: AttentionState;
  baselines: TrustBaseline[];
  /** The image chosen as a baseline, at model resolution, or null. */
  baselineImage: NamedRgbaImage | null;
  baselineImageState: BaselineImageState;
  baselineRun: BaselinesState;
  second: ComparedSecond | null;
  secondError: string | null;
  setView(view: TrustView): void;
  /** Computes the session's attention weights unless they are on hand or on the way. */
  loadAttention(): Promise<void>;
  setBaselines(baselines: TrustBaseline[]): void;
  /**
   * Decodes an image file as the main image is (image worker), brings it to model
   * resolution (inference worker) and chooses it as a baseline. A bad file leaves the
   * previous choice as it was.
   */
  chooseBaselineImage(file: Blob, name: string): Promise<void>;
  clearBaselineImage(): void;
  runBaselines(): Promise<void>;
  cancelBaselines(): void;
  /** Opens a `headflow.baselines/1` JSON (the CLI's or an export). */
  openBaselinesFile(text: string, name: string): void;
  /** Opens the second result of a comparison: an attribution or sets JSON. */
  openSecond(text: string, name: string): void;
  /** Uses an attribution (e.g. from the history) as the second result. */
  takeSecond(result: AttributionResult, from: string): void;
  clearSecond(): void;
  /** Shows an opened permalink's trust views as it had them. */
  openLink(state: TrustLinkState): void;
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

/** The image and question a baseline run is of, or null (none, or one from a file). */
export function baselineRunOf(state: BaselinesState): RunOf | null {
  if (state.status === "queued" || state.status === "running") return state.of;
  return state.status === "done" && state.source === "run" ? state.of : null;
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

/** What the worker is asked to ablate with; null for the image one without an image. */
function choiceOf(baseline: TrustBaseline, image: NamedRgbaImage | null): BaselineChoice | null {
  if (baseline !== "image") return baseline;
  return image === null ? null : { kind: "image", image };
}

/** The baseline label a result gets (the engine's baselineLabel: `image:<name>`). */
function labelOf(baseline: TrustBaseline, image: NamedRgbaImage | null): string {
  return baseline === "image" ? `image:${image?.name ?? ""}` : baseline;
}

export function createTrustStore(client: TrustClient) {
  return create<TrustStore>((set, get) => {
    const attentionRequests = latestRequest();
    const baselineRequests = latestRequest();
    const imageRequests = latestRequest();
    let running: Running<AttributionResult> | null = null;

    /** Stops a baseline run, if any, and makes its result stale. */
    const dropRun = () => {
      baselineRequests.invalidate();
      running?.cancel();
    };

    /** The chosen baselines in the views' order; the image one only with an image. */
    const chosen = (baselines: readonly TrustBaseline[], image: NamedRgbaImage | null) =>
      TRUST_BASELINES.filter((b) => baselines.includes(b) && (b !== "image" || image !== null));

    return {
      view: "attention",
      attention: { status: "idle" },
      baselines: [...DEFAULT_TRUST_BASELINES],
      baselineImage: null,
      baselineImageState: { status: "idle" },
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
          const scores = await client.ranking(input, "attention");
          if (isLatest()) set({ attention: { status: "done", ...about, scores } });
        } catch (error) {
          if (isLatest()) set({ attention: { ...about, ...failed(error) } });
        }
      },

      setBaselines(baselines) {
        set({ baselines: chosen(baselines, get().baselineImage) });
      },

      async chooseBaselineImage(file, name) {
        const isLatest = imageRequests.start();
        set({ baselineImageState: { status: "decoding", name } });
        let small: RgbaImage;
        try {
          const outcome = await client.decode(file, name);
          if (!outcome.ok) {
            if (isLatest())
              set({ baselineImageState: { status: "failed", message: outcome.message } });
            return;
          }
          const { width, height, pixels, preview } = outcome.image;
          preview.close();
          small = await client.prepareImage({ width, height, data: pixels });
        } catch (error) {
          if (isLatest()) set({ baselineImageState: failed(error, `${name} could not be opened`) });
          return;
        }
        if (!isLatest()) return;
        const image = { ...small, name };
        set({
          baselineImage: image,
          baselineImageState: { status: "idle" },
          baselines: chosen([...get().baselines, "image"], image),
        });
      },

      clearBaselineImage() {
        imageRequests.invalidate();
        set({
          baselineImage: null,
          baselineImageState: { status: "idle" },
          baselines: chosen(get().baselines, null),
        });
      },

      async runBaselines() {
        const input = sessionInput();
        const { baselines, baselineImage } = get();
        if (input === null || baselines.length < 2) return;
        const choices = baselines.map((b) => choiceOf(b, baselineImage));
        if (!choices.every((c): c is BaselineChoice => c !== null)) return;
        const labels = baselines.map((b) => labelOf(b, baselineImage));
        const of = { image: input.image, question: input.question };
        const { samples, alpha, seed } = useSessionStore.getState().settings;
        const isLatest = baselineRequests.start();
        const attributions: AttributionResult[] = [];
        try {
          for (const [index, baseline] of choices.entries()) {
            set({
              baselineRun: { status: "running", of, labels, index, done: 0, total: samples },
            });
            running = client.attribute(
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
            baselineRun: {
              status: "done",
              result: compareBaselines(attributions),
              source: "run",
              of,
            },
          });
        } catch (error) {
          if (isLatest()) set({ baselineRun: endedBy(error) });
        } finally {
          if (isLatest()) running = null;
        }
      },

      cancelBaselines() {
        if (get().baselineRun.status === "running") running?.cancel();
      },

      openBaselinesFile(text, name) {
        try {
          const result = parseBaselinesResult(JSON.parse(text));
          dropRun();
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

      openLink(state) {
        dropRun();
        imageRequests.invalidate();
        set({
          view: state.view,
          baselineImage: state.baselineImage,
          baselineImageState: { status: "idle" },
          baselines: chosen(state.baselines, state.baselineImage),
          baselineRun: state.rerun ? { status: "queued", of: state.rerun } : { status: "idle" },
          second: state.second,
          secondError: null,
        });
      },
    };
  });
}

export const useTrustStore = createTrustStore({
  ranking: analysisClient.ranking,
  attribute: analysisClient.attribute,
  prepareImage: analysisClient.prepareImage,
  decode: decodeImageFile,
});
