/**
 * What the inference worker and the main thread exchange (plain, structured-cloneable
 * data). The store and views import these types, never the worker module's code.
 */
import type { AttributionSettings, RgbaImage, TargetKind } from "../engine";
import type { BackendChoice } from "./backend-choice";
import type { CancelFlag } from "./cancel-flag";

export interface SelfTest {
  /** The graph that was run, relative to the model folder. */
  graph: string;
  outputShape: number[];
  milliseconds: number;
}

/** What the views need to know about the loaded model. */
export interface ModelInfo {
  id: string;
  name: string;
  layers: number;
  heads: number;
  /** Side of the model's square input image, in pixels. */
  imageSize: number;
  /** Patch grid `[rows, cols]`. */
  grid: [number, number];
  /** The question templates of the manifest, default first. */
  questions: string[];
  /** How many reference images the `mean` baseline averages over (0: no mean baseline). */
  referenceImages: number;
  /** Whether the bundle says it is an untrained, random-initialised export. */
  randomInit: boolean;
  /**
   * "group" when `heads` counts key/value groups (a third-party model with grouped-query
   * attention, where ablation acts on a group); absent or "head" otherwise.
   */
  headUnit?: "head" | "group";
  /**
   * Whether the graphs expose attention weights (the head's attention map, the attention
   * ranking): false for third-party exports, whose decoder fuses attention.
   */
  attentionMaps: boolean;
  loadMs: number;
  /** Time spent after loading on the first attribution's one-off work (Headflow.warmUp). */
  warmUpMs?: number;
}

/**
 * How the worker runs the model, before `start`: the browser benchmark compares settings
 * with these (src/cli/bench/browser-page); the app leaves them at their defaults.
 */
export interface WorkerTuning {
  /** onnxruntime-web's wasm threads (default: its own choice, see ort-web.ts). */
  wasmThreads?: number;
  /** Enter the decoder at each mask's first ablated layer on wasm (default: true for the
   * bundled model, false for a third-party one: inference.worker.ts). */
  layerEntry?: boolean;
  /** Decode peers sharing the mask runs (default DEFAULT_DECODE_PEERS, capped by the cores). */
  decodePeers?: number;
}

export interface BackendReport extends BackendChoice {
  selfTest: SelfTest;
  model: ModelInfo;
}

export type BaselineKind = "mean" | "blank";

/**
 * Another image as the baseline (the CLI's `image:FILE`), already at model resolution
 * (prepareImage), named for the result's `baseline` label (`image:<name>`).
 */
export interface BaselineImage {
  kind: "image";
  image: RgbaImage & { name: string };
}

/** What an attribution can ablate with: a kind the session offers, or an image. */
export type BaselineChoice = BaselineKind | BaselineImage;

/** One image + question analysed with one baseline and target. */
export interface AnalysisInput {
  /** The image at model resolution (model-image.ts), named for results. */
  image: RgbaImage & { name: string };
  question: string;
  baseline: BaselineKind;
  target: TargetKind;
}

/** An attribution's input: any baseline, an image included (the trust views' runs). */
export interface AttributeInput extends Omit<AnalysisInput, "baseline"> {
  baseline: BaselineChoice;
}

export interface AttributeRequest extends AttributeInput {
  settings: Partial<AttributionSettings>;
  /** Raised by the main thread to stop the run (cancel-flag.ts); absent without shared memory. */
  cancelFlag?: CancelFlag;
  /** The scoring worker's fit to feed (watched there by the main thread); absent: fit here. */
  fitId?: number;
}

/** A streamed estimate during attribution (layer-major scores). */
export interface AttributionUpdate {
  done: number;
  total: number;
  scores?: Float64Array;
  heldOutR?: number | null;
}

export type RankingKind = "attention" | "single-head";
