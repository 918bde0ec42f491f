/**
 * The VlmSession (../session.ts) over a stock transformers.js export: vision_encoder,
 * embed_tokens and decoder_model_merged, fed the way transformers.js feeds them
 * (models/modeling_utils.js: decoder_forward, addPastKeyValues, image_text_to_text_forward).
 * With grouped-query attention the past cache has num_key_value_heads heads, so
 * `dims.heads` is that number: the unit an ablation through past_key_values acts on.
 * The decoder is opened in its analysable form (analysable-decoder.ts): GroupQueryAttention
 * rewritten into plain ops that run batched suffixes over a past, and, for fused and
 * unfused attention alike, per-layer attention bias inputs and attention outputs.
 * One session serves plain and analysis runs. Attention-level requests are per key/value
 * group, the unit `dims.heads` counts (kv-groups.ts); when the graph could not get the
 * interface they fail with a clear message saying why.
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
import type { ThirdPartyManifest } from "./config";
import { createGraphSession, openGraphFile, type GraphFile } from "./graph-files";
import { checkDecoderGeometry } from "./decoder-io";
import { float32Boundary } from "./float32-boundary";
import { tilePerRun } from "./vision-tiles";
import type { ProcessedInputs } from "./processor";
import { ExportDecoder, floats } from "./export-decoder";
import { analysableDecoder } from "./analysable-decoder";
import { withAttention } from "./attention-capabilities";
import type { MropeLayout } from "./mrope";
import { EntryDecoders } from "./entry-decoders";
import { runsInTurn, type InTurn } from "../../model/runs-in-turn";

/** The start of the error every attention-level request gets (front ends match on it). */
export const ATTENTION_UNAVAILABLE =
  "attention weights and attention knockout are unavailable for this model";

/** A session over one graph file, with a clear error when the browser cannot hold it. */
async function openGraph(
  ort: OrtModule,
  found: Pick<GraphFile, "path" | "bytes" | "externalData">,
  options: OrtSessionOptions,
  inputs: readonly string[],
  outputs: readonly string[],
): Promise<OrtSession> {
  const { path, bytes } = found;
  let session: OrtSession;
  try {
    session = await createGraphSession(ort, found, options);
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

export class ThirdPartySession implements VlmSession {
  readonly dims: ModelDims;
  private readonly ort: OrtModule;
  private readonly vision: OrtSession;
  private readonly embedder: OrtSession;
  private readonly decoder: OrtSession;
  private readonly runner: ExportDecoder;
  /** Why a fused decoder could not be rewritten (then it runs one sequence after a past). */
  private readonly batchRefusal: string | null;
  /**
   * Runs one model run after the one before it has settled, in call order. The worker
   * serves requests as they arrive, so two analyses can be in flight at once (an ablation
   * asked for while another run is going); onnxruntime-web on WebGPU does not survive
   * overlapping runs (seen on SwiftShader: "Failed to download data from buffer"). The
   * bundled model gets the same from SerialSession; this model's own steps (encodeVision,
   * useRope) are not on that interface, so the queue is here.
   */
  private readonly inTurn: InTurn = runsInTurn();
  /** Why attention-level requests cannot run (absent when they can). */
  readonly attentionUnavailable?: string;
  /** The vision encoder's grid input (Qwen2-VL family), or null. */
  private readonly gridInput: string | null;
  /**
   * Multimodal rotary positions of the prompt last prefilled (Qwen2-VL family): every
   * decode maps its 1-D positions through them (mrope.ts). Null for other families.
   */
  private rope: MropeLayout | null = null;
  /** Layer entry (entry-decoders.ts), when asked for and the decoder runs batches. */
  private entry: EntryDecoders | null = null;

  private constructor(
    ort: OrtModule,
    dims: ModelDims,
    graphs: { vision: OrtSession; embed: OrtSession; decoder: OrtSession },
    heads: { query: number },
    refusals: { batch: string | null; attention: string | null },
    gridInput: string | null,
  ) {
    this.ort = ort;
    this.gridInput = gridInput;
    this.dims = dims;
    this.vision = graphs.vision;
    this.embedder = graphs.embed;
    this.decoder = graphs.decoder;
    this.runner = new ExportDecoder(ort, graphs.decoder, dims, heads.query);
    this.batchRefusal = refusals.batch;
    const attention =
      refusals.attention ??
      (this.runner.hasAttention ? null : "the decoder graph lacks the attention interface");
    if (attention !== null) this.attentionUnavailable = `${ATTENTION_UNAVAILABLE}: ${attention}`;
  }

  static async create(
    read: ReadFile,
    ort: OrtModule,
    tp: ThirdPartyManifest,
    options: OrtSessionOptions,
    {
      layerEntry = false,
      entryBudgetBytes,
    }: { layerEntry?: boolean; entryBudgetBytes?: number } = {},
  ): Promise<ThirdPartySession> {
    // Each graph: the first dtype candidate that opens (graph-files.ts, dtypes.ts).
    const openedVision = await openGraphFile(read, tp, "vision", (file) =>
      openGraph(
        ort,
        file,
        options,
        ["pixel_values", ...tp.architecture.visionInputs],
        ["image_features"],
      ),
    );
    const openedEmbed = await openGraphFile(read, tp, "embed", (file) =>
      openGraph(ort, file, options, ["input_ids"], ["inputs_embeds"]),
    );
    const openedDecoder = await openGraphFile(read, tp, "decoder", async (file) => {
      const rewritten = analysableDecoder(file.bytes, tp);
      const session = await openGraph(
        ort,
        { ...file, bytes: rewritten.bytes },
        options,
        ["inputs_embeds", "attention_mask"],
        ["logits"],
      );
      try {
        // Layers, key/value heads and head size from the graph's cache inputs vs config.json.
        checkDecoderGeometry(session, file.path, file.dtype, tp);
      } catch (error) {
        await session.release();
        throw error;
      }
      return { session, analysable: rewritten };
    });
    // fp16 / q4f16 graphs take and give float16: seen in float32 from here on.
    // Idefics3 / SmolVLM: one tile per vision run, the memory of one (vision-tiles.ts).
    const vision = tilePerRun(ort, float32Boundary(ort, openedVision.value));
    const embed = float32Boundary(ort, openedEmbed.value);
    const decoder = float32Boundary(ort, openedDecoder.value.session);
    const analysable = openedDecoder.value.analysable;
    const files = {
      vision: openedVision.file,
      embed: openedEmbed.file,
      decoder: openedDecoder.file,
    };
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
    const session = new ThirdPartySession(
      ort,
      dims,
      { vision, embed, decoder },
      { query: tp.queryHeads },
      { batch: analysable.refusal, attention: analysable.attentionRefusal },
      tp.architecture.mrope?.gridInput ?? null,
    );
    tp.capabilities = withAttention(tp.capabilities, session.attentionUnavailable);
    // The weights' bytes (graphs and external data), counted now so no file is kept
    // alive: the attribution's batch size follows from them (model/batch-budget.ts).
    const fileBytes = (f: GraphFile) =>
      f.bytes.length + f.externalData.reduce((n, c) => n + c.data.length, 0);
    const weightBytes = Object.values(files).reduce((sum, f) => sum + fileBytes(f), 0);
    // Layer entry needs batched runs after a past: not for a fused decoder left as it is.
    const entry =
      layerEntry && analysable.refusal === null
        ? new EntryDecoders(
            ort,
            { ...files.decoder, bytes: analysable.bytes },
            options,
            dims,
            tp.queryHeads,
            entryBudgetBytes ?? fileBytes(files.decoder),
          )
        : null;
    session.entry = entry;
    Object.assign(session, {
      memory: () => ({
        weightBytes: weightBytes + (entry?.openedBytes ?? 0),
        queryHeads: tp.queryHeads,
      }),
    });
    return session;
  }

  /** Image features `[images * tokens, hiddenSize]` of the processor's pixel inputs. */
  async encodeVision(inputs: ProcessedInputs): Promise<Float32Array> {
    const { pixelValues, pixelAttentionMask, imageGridThw } = inputs;
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
    if (this.gridInput !== null) {
      if (!imageGridThw) throw new Error(`the vision encoder needs ${this.gridInput}`);
      feeds[this.gridInput] = new this.ort.Tensor("int64", imageGridThw.data, imageGridThw.dims);
    }
    const out = await this.inTurn(() => this.vision.run(feeds, ["image_features"]));
    return floats(out["image_features"]);
  }

  encodeImage(): Promise<Float32Array> {
    // The processor decides tiles and sizes; images go through encodeVision instead.
    return Promise.reject(new Error("third-party models encode images through encodeVision"));
  }

  async embed(ids: readonly number[]): Promise<Float32Array> {
    const input = new this.ort.Tensor("int64", BigInt64Array.from(ids, BigInt), [1, ids.length]);
    const out = await this.inTurn(() => this.embedder.run({ input_ids: input }, ["inputs_embeds"]));
    return floats(out["inputs_embeds"]);
  }

  decode(request: DecodeRequest): Promise<AnalysisResult> {
    const { batch, length, past } = request;
    if (this.batchRefusal && batch > 1 && length > 1 && past && past.length > 0) {
      return Promise.reject(
        new HeadflowError(
          "bad-model",
          `this export's decoder cannot run ${batch} sequences after a past cache (its fused attention takes one, or it quantises activations over the whole batch), and it could not be rewritten: ${this.batchRefusal}`,
        ),
      );
    }
    if (this.gridInput !== null && this.rope === null) {
      return Promise.reject(
        new Error("decode: this model's rotary positions come from a prompt: prefill one first"),
      );
    }
    const rope = this.rope; // the prompt's layout when the run was asked for
    if (request.fromLayer !== undefined || request.wantResiduals) {
      const entry = this.entry;
      if (!entry) return Promise.reject(new Error("decode: this session has no layer entry"));
      return this.inTurn(() => entry.decode(request, rope));
    }
    return this.inTurn(() => this.runner.decode(request, rope));
  }

  /**
   * Whether mask runs can enter the decoder at their first ablated layer (the runner asks
   * before its first batch; the first call derives and opens the residuals graph).
   */
  async layerEntry(): Promise<boolean> {
    return (await this.entry?.available()) ?? false;
  }

  /** The layer a mask first ablating `first` enters at (-1: the whole decoder). */
  entryLayer(first: number): number {
    return this.entry ? this.entry.entryLayer(first) : -1;
  }

  /** The layers with an entry graph (empty until `layerEntry()` resolved, or without). */
  get entryLayers(): readonly number[] {
    return this.entry?.entryLayers ?? [];
  }

  /** Why layer entry is off (null while it is on or not tried). */
  get layerEntryRefusal(): string | null {
    return this.entry ? this.entry.refusal : "not asked for";
  }

  /**
   * The multimodal rotary positions of the prompt the following runs belong to (set by
   * each prefill; a baseline prefill has the same ids and grid, so the same positions).
   */
  useRope(layout: MropeLayout): void {
    this.rope = layout;
  }

  decodeAnalysis(request: AnalysisRequest): Promise<AnalysisResult> {
    if (this.attentionUnavailable !== undefined)
      return Promise.reject(new HeadflowError("bad-model", this.attentionUnavailable));
    return this.decode(request);
  }

  async release(): Promise<void> {
    await this.entry?.release();
    await Promise.all([this.vision, this.embedder, this.decoder].map((s) => s.release()));
  }
}
