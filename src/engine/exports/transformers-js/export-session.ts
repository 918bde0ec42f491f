/**
 * The VlmSession (../session.ts) over a stock transformers.js export: vision_encoder,
 * embed_tokens and decoder_model_merged, fed the way transformers.js feeds them
 * (models/modeling_utils.js: decoder_forward, addPastKeyValues, image_text_to_text_forward).
 * With grouped-query attention the past cache has num_key_value_heads heads, so
 * `dims.heads` is that number: the unit an ablation through past_key_values acts on.
 * A decoder with onnxruntime's GroupQueryAttention is opened in its rewritten, unfused
 * form (analysable-decoder.ts), which runs batched suffixes over a past. There is no
 * analysis graph yet: attention-level requests fail with a clear message.
 */
import { HeadflowError, errorMessage } from "../../errors";
import type { ReadFile } from "../../model/files";
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
import { pastNames, presentNames } from "../../model/graph-names";
import { ExportDecoder, floats } from "./export-decoder";
import { analysableDecoder } from "./analysable-decoder";

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
  private readonly runner: ExportDecoder;
  /** Why a fused decoder could not be rewritten (then it runs one sequence after a past). */
  private readonly batchRefusal: string | null;

  private constructor(
    ort: OrtModule,
    dims: ModelDims,
    graphs: { vision: OrtSession; embed: OrtSession; decoder: OrtSession },
    batchRefusal: string | null,
  ) {
    this.ort = ort;
    this.dims = dims;
    this.vision = graphs.vision;
    this.embedder = graphs.embed;
    this.decoder = graphs.decoder;
    this.runner = new ExportDecoder(ort, graphs.decoder, dims);
    this.batchRefusal = batchRefusal;
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
    const analysable = analysableDecoder(files.decoder.bytes, tp);
    const decoder = await openGraph(
      ort,
      { path: files.decoder.path, bytes: analysable.bytes },
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
    return new ThirdPartySession(ort, dims, { vision, embed, decoder }, analysable.refusal);
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

  decode(request: DecodeRequest): Promise<AnalysisResult> {
    const { batch, length, past } = request;
    if (this.batchRefusal && batch > 1 && length > 1 && past && past.length > 0) {
      return Promise.reject(
        new HeadflowError(
          "bad-model",
          `this export's decoder cannot run ${batch} sequences after a past cache (onnxruntime's GroupQueryAttention takes one), and its attention could not be rewritten: ${this.batchRefusal}`,
        ),
      );
    }
    return this.runner.decode(request);
  }

  readonly attentionUnavailable = `${ATTENTION_UNAVAILABLE}: its stock transformers.js decoder fuses attention and exposes neither attention probabilities nor an attention bias input`;

  decodeAnalysis(_request: AnalysisRequest): Promise<AnalysisResult> {
    return Promise.reject(new HeadflowError("bad-model", this.attentionUnavailable));
  }

  async release(): Promise<void> {
    await Promise.all([this.vision, this.embedder, this.decoder].map((s) => s.release()));
  }
}
