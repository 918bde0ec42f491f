/**
 * The model interface the engine talks to (after llm-transparency-tool's TransparentLlm):
 * four operations on float32 arrays, independent of how the model is run. OrtVlmSession
 * (bundle.ts) implements it over an injected onnxruntime; a test double could too.
 */
import type { KvCache } from "./kv";

export interface ModelDims {
  layers: number;
  heads: number;
  headDim: number;
  hiddenSize: number;
  vocabSize: number;
  imageTokens: number;
  imageSize: number;
}

export interface DecodeRequest {
  /** `[batch, length, hiddenSize]` input embeddings. */
  embeds: Float32Array;
  batch: number;
  length: number;
  /** Cached keys/values of the positions before these (batch must match), or none. */
  past?: KvCache | null;
  /** Position ids of the `length` new tokens (same for every row); default past.length + i. */
  positions?: ArrayLike<number>;
  /** Also return the updated cache (costs a copy of every layer; off for ablation runs). */
  wantPresent?: boolean;
  /** Return logits for the last position only (`[batch, vocab]`) or all (`[batch, length, vocab]`). */
  logits: "last" | "all";
  /**
   * Enter the decoder at this layer (default 0): `embeds` then holds the residual stream
   * entering it, as `residuals` returned it. Only with `layerEntry()`; no `present`.
   */
  fromLayer?: number;
  /** Also return the residual stream entering every layer (only with `layerEntry()`). */
  wantResiduals?: boolean;
}

export interface AnalysisRequest extends DecodeRequest {
  /** Per layer `[batch, heads, length, past + length]`, added to attention scores (-1e9 blocks). */
  bias?: Float32Array[];
  wantAttentions?: boolean;
}

export interface DecodeResult {
  logits: Float32Array;
  present?: KvCache;
  /**
   * With `wantResiduals`: per layer l the residual stream entering it, shaped like
   * `embeds` (`residuals[0]` is the request's own `embeds`, which layer 0 is entered with).
   */
  residuals?: Float32Array[];
}

export interface AnalysisResult extends DecodeResult {
  /** Per layer `[batch, heads, length, past + length]` post-softmax attention. */
  attentions?: Float32Array[];
}

/** What a batch size is chosen from besides `dims` (batch-budget.ts). */
export interface SessionMemory {
  /** Bytes of weights the runtime holds for the graphs this session has opened so far. */
  weightBytes: number;
  /** Query heads per layer, where `dims.heads` counts key/value heads (grouped attention). */
  queryHeads?: number;
}

export interface VlmSession {
  readonly dims: ModelDims;
  /**
   * Why the attention-level analyses (attention weights, attention knockout) cannot run on
   * this session; absent when they can. Analyses check it before any work.
   */
  readonly attentionUnavailable?: string;
  /** `[batch, 3, size, size]` normalised pixels -> `[batch, imageTokens, hiddenSize]`. */
  encodeImage(pixelValues: Float32Array, batch: number): Promise<Float32Array>;
  /** Token ids -> `[1, ids.length, hiddenSize]` embeddings. */
  embed(ids: readonly number[]): Promise<Float32Array>;
  decode(request: DecodeRequest): Promise<DecodeResult>;
  /** The analysis graph: the decoder plus attention bias inputs and attention outputs. */
  decodeAnalysis(request: AnalysisRequest): Promise<AnalysisResult>;
  /**
   * Whether `decode` can enter at a later layer (`fromLayer`, `wantResiduals`). Optional:
   * sessions without it always run the whole decoder.
   */
  layerEntry?(): Promise<boolean>;
  /**
   * With `layerEntry()`: the layer a mask whose first ablated layer is `first` enters at
   * (at most `first`; -1: it runs the whole decoder). Optional: without it, every layer.
   * Sessions whose entry graphs each cost memory open only some (model/entry-layers.ts).
   */
  entryLayer?(first: number): number;
  /**
   * The memory the session's weights take. Optional: without it a batch is sized as if
   * the weights took none (and its reason says so).
   */
  memory?(): SessionMemory;
  release(): Promise<void>;
}
