/**
 * The VlmSession (../session.ts) over a stock transformers.js export: vision_encoder,
 * embed_tokens and decoder_model_merged, fed the way transformers.js feeds them
 * (models/modeling_utils.js: decoder_forward, addPastKeyValues, image_text_to_text_forward).
 * With grouped-query attention the past cache has num_key_value_heads heads, so
 * `dims.heads` is that number: the unit an ablation through past_key_values acts on.
 * There is no analysis graph: attention-level requests fail with a clear message.
 */
import { HeadflowError, errorMessage } from "../../errors";
import type { ReadFile } from "../../model/files";
import type { KvCache } from "../../model/kv";
import type { OrtModule, OrtSession, OrtSessionOptions, OrtTensor } from "../../model/ort";
import type {
  AnalysisRequest,
  AnalysisResult,
  DecodeRequest,
  ModelDims,
  VlmSession,
} from "../../model/session";
import { graphPath, type ThirdPartyManifest } from "./config";
import type { ProcessedInputs } from "./processor";
import {
  pastNames,
  presentNames,
  pastKey,
  pastValue,
  presentKey,
  presentValue,
} from "../../model/graph-names";

/** The start of the error every attention-level request gets (front ends match on it). */
export const ATTENTION_UNAVAILABLE =
  "attention weights and attention knockout are unavailable for this model";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const isMissing = (error: unknown) =>
  error instanceof HeadflowError && / is missing/.test(error.message);

/**
 * The first of a graph's dtype variants the export has (a folder often holds only some,
 * e.g. only `_quantized`): a missing file costs nothing, not even for a URL.
 */
async function readGraph(
  read: ReadFile,
  graph: "vision" | "embed" | "decoder",
  dtypes: readonly string[],
): Promise<{ path: string; dtype: string; bytes: Uint8Array }> {
  let firstMissing: unknown = null;
  for (const dtype of dtypes) {
    const path = graphPath(graph, dtype);
    try {
      return { path, dtype, bytes: await read(path) };
    } catch (error) {
      if (!isMissing(error)) throw error;
      firstMissing ??= error;
    }
  }
  if (dtypes.length === 1) throw firstMissing;
  throw new HeadflowError(
    "bad-model",
    `model file ${graphPath(graph, dtypes[0]!)} is missing, and so are its other float32-input variants (${dtypes
      .slice(1)
      .map((d) => graphPath(graph, d))
      .join(", ")})`,
  );
}

/** A session over one graph file, with a clear error when the browser cannot hold it. */
async function openGraph(
  ort: OrtModule,
  found: { path: string; bytes: Uint8Array },
  options: OrtSessionOptions,
  inputs: readonly string[],
  outputs: readonly string[],
): Promise<OrtSession> {
  const { path, bytes } = found;
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(bytes, options);
  } catch (error) {
    const message = errorMessage(error);
    if (/memory|allocat|out of range|too large|buffer/i.test(message)) {
      throw new HeadflowError(
        "bad-model",
        `model file ${path} (${(bytes.length / 2 ** 20).toFixed(0)} MiB) could not be loaded: not enough memory for onnxruntime (${message}); try a smaller (quantised) export`,
      );
    }
    throw new HeadflowError("bad-model", `model file ${path} is corrupt: ${message}`);
  }
  const missing = [
    ...inputs.filter((n) => !session.inputNames.includes(n)).map((n) => `input ${n}`),
    ...outputs.filter((n) => !session.outputNames.includes(n)).map((n) => `output ${n}`),
  ];
  if (missing.length > 0) {
    throw new HeadflowError(
      "bad-model",
      `model file ${path} is not a transformers.js export HeadFlow can run: it lacks ${missing.slice(0, 4).join(", ")}${missing.length > 4 ? ", ..." : ""}`,
    );
  }
  return session;
}

/** Float16 caches (fp16, q4f16 exports) would need conversion everywhere: refused early. */
function checkFloat32(session: OrtSession, path: string, names: readonly string[]): void {
  const metadata = (session as { inputMetadata?: readonly { name: string; type?: string }[] })
    .inputMetadata;
  if (!metadata) return;
  for (const entry of metadata) {
    if (names.includes(entry.name) && entry.type !== undefined && entry.type !== "float32") {
      throw new HeadflowError(
        "bad-model",
        `model file ${path} takes ${entry.name} as ${entry.type}: HeadFlow runs float32 key/values only (choose an fp32, q8, int8, uint8, q4 or bnb4 export)`,
      );
    }
  }
}

export class ThirdPartySession implements VlmSession {
  readonly dims: ModelDims;
  private readonly ort: OrtModule;
  private readonly vision: OrtSession;
  private readonly embedder: OrtSession;
  private readonly decoder: OrtSession;

  private constructor(
    ort: OrtModule,
    dims: ModelDims,
    graphs: { vision: OrtSession; embed: OrtSession; decoder: OrtSession },
  ) {
    this.ort = ort;
    this.dims = dims;
    this.vision = graphs.vision;
    this.embedder = graphs.embed;
    this.decoder = graphs.decoder;
  }

  static async create(
    read: ReadFile,
    ort: OrtModule,
    tp: ThirdPartyManifest,
    options: OrtSessionOptions,
  ): Promise<ThirdPartySession> {
    const layers = range(tp.layers);
    const past = pastNames(layers.length);
    const present = presentNames(layers.length);
    const files = {
      vision: await readGraph(read, "vision", tp.dtypes),
      embed: await readGraph(read, "embed", tp.dtypes),
      decoder: await readGraph(read, "decoder", tp.dtypes),
    };
    const vision = await openGraph(
      ort,
      files.vision,
      options,
      ["pixel_values", ...tp.architecture.visionInputs],
      ["image_features"],
    );
    const embed = await openGraph(ort, files.embed, options, ["input_ids"], ["inputs_embeds"]);
    const decoder = await openGraph(
      ort,
      files.decoder,
      options,
      ["inputs_embeds", "attention_mask", ...past],
      ["logits", ...present],
    );
    checkFloat32(decoder, files.decoder.path, ["inputs_embeds", ...past]);
    // Record what was opened: results and the Model control show it.
    tp.graphs = { vision: files.vision.path, embed: files.embed.path, decoder: files.decoder.path };
    const used = new Set([files.vision.dtype, files.embed.dtype, files.decoder.dtype]);
    tp.dtype =
      used.size === 1
        ? files.vision.dtype
        : `vision ${files.vision.dtype}, embed ${files.embed.dtype}, decoder ${files.decoder.dtype}`;
    const dims: ModelDims = {
      layers: tp.layers,
      heads: tp.kvHeads,
      headDim: tp.headDim,
      hiddenSize: tp.hiddenSize,
      vocabSize: tp.vocabSize,
      imageTokens: tp.tokenGrid[0] * tp.tokenGrid[1],
      imageSize: tp.inputSize,
    };
    return new ThirdPartySession(ort, dims, { vision, embed, decoder });
  }

  /** Image features `[images * tokens, hiddenSize]` of the processor's pixel inputs. */
  async encodeVision(inputs: ProcessedInputs): Promise<Float32Array> {
    const { pixelValues, pixelAttentionMask } = inputs;
    const feeds: Record<string, OrtTensor> = {
      pixel_values: new this.ort.Tensor("float32", pixelValues.data, pixelValues.dims),
    };
    if (this.vision.inputNames.includes("pixel_attention_mask")) {
      if (!pixelAttentionMask) throw new Error("the vision encoder needs pixel_attention_mask");
      feeds["pixel_attention_mask"] = new this.ort.Tensor(
        "bool",
        pixelAttentionMask.data,
        pixelAttentionMask.dims,
      );
    }
    const out = await this.vision.run(feeds, ["image_features"]);
    return floats(out["image_features"]);
  }

  encodeImage(): Promise<Float32Array> {
    // The processor decides tiles and sizes; images go through encodeVision instead.
    return Promise.reject(new Error("third-party models encode images through encodeVision"));
  }

  async embed(ids: readonly number[]): Promise<Float32Array> {
    const input = new this.ort.Tensor("int64", BigInt64Array.from(ids, BigInt), [1, ids.length]);
    const out = await this.embedder.run({ input_ids: input }, ["inputs_embeds"]);
    return floats(out["inputs_embeds"]);
  }

  async decode(request: DecodeRequest): Promise<AnalysisResult> {
    const { layers, heads, headDim, hiddenSize, vocabSize } = this.dims;
    const { batch, length, past } = request;
    const pastLength = past ? past.length : 0;
    if (past && past.batch !== batch)
      throw new Error("decode: past batch differs from input batch");
    const total = pastLength + length;
    const positions = request.positions ?? range(length).map((i) => pastLength + i);
    const positionIds = new BigInt64Array(batch * length);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < length; t++) positionIds[b * length + t] = BigInt(positions[t]!);
    }
    const feeds: Record<string, OrtTensor> = {
      inputs_embeds: new this.ort.Tensor("float32", request.embeds, [batch, length, hiddenSize]),
      attention_mask: new this.ort.Tensor("int64", new BigInt64Array(batch * total).fill(1n), [
        batch,
        total,
      ]),
    };
    const names = this.decoder.inputNames;
    if (names.includes("position_ids")) {
      feeds["position_ids"] = new this.ort.Tensor("int64", positionIds, [batch, length]);
    }
    if (names.includes("use_cache_branch")) {
      feeds["use_cache_branch"] = new this.ort.Tensor("bool", [pastLength > 0], [1]);
    }
    if (names.includes("num_logits_to_keep")) {
      // 1: only the last position (what every analysis reads); 0: all positions.
      const keep = request.logits === "last" ? 1n : 0n;
      feeds["num_logits_to_keep"] = new this.ort.Tensor("int64", BigInt64Array.of(keep), []);
    }
    const pastDims = [batch, heads, pastLength, headDim];
    const empty = new Float32Array(0);
    for (let i = 0; i < layers; i++) {
      feeds[pastKey(i)] = new this.ort.Tensor("float32", past ? past.keys[i]! : empty, pastDims);
      feeds[pastValue(i)] = new this.ort.Tensor(
        "float32",
        past ? past.values[i]! : empty,
        pastDims,
      );
    }
    const fetches = ["logits"];
    if (request.wantPresent) {
      for (let i = 0; i < layers; i++) fetches.push(presentKey(i), presentValue(i));
    }
    const out = await this.decoder.run(feeds, fetches);
    const logitsTensor = out["logits"];
    const allLogits = floats(logitsTensor);
    const rows = logitsTensor!.dims[1] ?? length;
    const result: AnalysisResult = {
      logits:
        request.logits === "all" ? allLogits : lastPosition(allLogits, batch, rows, vocabSize),
    };
    if (request.wantPresent) {
      result.present = {
        batch,
        heads,
        length: total,
        headDim,
        keys: range(layers).map((i) => floats(out[presentKey(i)])),
        values: range(layers).map((i) => floats(out[presentValue(i)])),
      } satisfies KvCache;
    }
    return result;
  }

  readonly attentionUnavailable = `${ATTENTION_UNAVAILABLE}: its stock transformers.js decoder fuses attention and exposes neither attention probabilities nor an attention bias input`;

  decodeAnalysis(_request: AnalysisRequest): Promise<AnalysisResult> {
    return Promise.reject(new HeadflowError("bad-model", this.attentionUnavailable));
  }

  async release(): Promise<void> {
    await Promise.all([this.vision, this.embedder, this.decoder].map((s) => s.release()));
  }
}

function floats(tensor: OrtTensor | undefined): Float32Array {
  if (!tensor || tensor.type !== "float32") throw new Error("expected a float32 output tensor");
  return tensor.data as Float32Array;
}

function lastPosition(logits: Float32Array, batch: number, rows: number, vocab: number) {
  if (rows === 1) return logits;
  const out = new Float32Array(batch * vocab);
  for (let b = 0; b < batch; b++) {
    const from = (b * rows + rows - 1) * vocab;
    out.set(logits.subarray(from, from + vocab), b * vocab);
  }
  return out;
}
