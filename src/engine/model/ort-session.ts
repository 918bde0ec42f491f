/**
 * OrtVlmSession: the VlmSession (session.ts) over a bundle's four ONNX graphs, on an
 * injected onnxruntime (node or web). Graphs are checked against the manifest on load.
 */
import { HeadflowError, errorMessage } from "../errors";
import type { ReadFile } from "./files";
import type { KvCache } from "./kv";
import { decoderFeeds } from "./decoder-feeds";
import { entryGraph, parseGraph, residualsGraph, type DecoderParts } from "./layer-entry";
import type { Manifest } from "./manifest";
import type { OrtModule, OrtSession, OrtSessionOptions, OrtTensor } from "./ort";
import type {
  AnalysisRequest,
  AnalysisResult,
  DecodeRequest,
  ModelDims,
  SessionMemory,
  VlmSession,
} from "./session";
import {
  attentionBias,
  attentions,
  pastNames,
  presentKey,
  presentNames,
  presentValue,
  residual,
} from "./graph-names";

export function dimsOf(manifest: Manifest): ModelDims {
  return {
    layers: manifest.layers,
    heads: manifest.heads,
    headDim: manifest.headDim,
    hiddenSize: manifest.hiddenSize,
    vocabSize: manifest.vocabSize,
    imageTokens: manifest.image.tokens,
    imageSize: manifest.image.size,
  };
}

async function createGraph(
  read: ReadFile | Uint8Array,
  ort: OrtModule,
  path: string,
  options: OrtSessionOptions,
  inputs: string[],
  outputs: string[],
): Promise<OrtSession> {
  const bytes = read instanceof Uint8Array ? read : await read(path);
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(bytes, options);
  } catch (error) {
    throw new HeadflowError("bad-model", `model file ${path} is corrupt: ${errorMessage(error)}`);
  }
  const missing = [
    ...inputs.filter((name) => !session.inputNames.includes(name)).map((n) => `input ${n}`),
    ...outputs.filter((name) => !session.outputNames.includes(name)).map((n) => `output ${n}`),
  ];
  if (missing.length > 0) {
    throw new HeadflowError(
      "bad-model",
      `model file ${path} does not match headflow.json: it lacks ${missing.slice(0, 4).join(", ")}${missing.length > 4 ? ", ..." : ""}`,
    );
  }
  return session;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** VlmSession over onnxruntime (node or web): the four graphs of a bundle. */
export class OrtVlmSession implements VlmSession {
  readonly dims: ModelDims;
  private readonly ort: OrtModule;
  private readonly vision: OrtSession;
  private readonly embedder: OrtSession;
  private readonly decoder: OrtSession;
  private analysis: Promise<OrtSession> | null = null;
  private readonly openAnalysis: () => Promise<OrtSession>;
  /** Layer entry (layer-entry.ts): the decoder's bytes, kept only when it is enabled. */
  private readonly decoderBytes: Uint8Array | null;
  private readonly sessionOptions: OrtSessionOptions;
  private residuals: Promise<OrtSession | null> | null = null;
  /** The decoder parsed for layer entry, once the residuals graph is built. */
  private parts: DecoderParts | null = null;
  private readonly entries = new Map<number, Promise<OrtSession>>();
  /**
   * Bytes of the graphs opened so far (memory()): their weights, which onnxruntime holds
   * as long as the session lives.
   */
  private readonly opened: { bytes: number };

  private constructor(
    ort: OrtModule,
    dims: ModelDims,
    graphs: { vision: OrtSession; embed: OrtSession; decoder: OrtSession },
    openAnalysis: () => Promise<OrtSession>,
    decoderBytes: Uint8Array | null,
    sessionOptions: OrtSessionOptions,
    opened: { bytes: number },
  ) {
    this.opened = opened;
    this.ort = ort;
    this.dims = dims;
    this.vision = graphs.vision;
    this.embedder = graphs.embed;
    this.decoder = graphs.decoder;
    this.openAnalysis = openAnalysis;
    this.decoderBytes = decoderBytes;
    this.sessionOptions = sessionOptions;
  }

  /**
   * `layerEntry`: derive graphs that enter the decoder at a later layer (layer-entry.ts),
   * built on first use. It costs a session per entered layer, so it pays off over many
   * ablation runs.
   */
  static async create(
    read: ReadFile,
    ort: OrtModule,
    manifest: Manifest,
    options: OrtSessionOptions,
    { layerEntry = false }: { layerEntry?: boolean } = {},
  ): Promise<OrtVlmSession> {
    const layers = range(manifest.layers);
    const decoderInputs = [
      "inputs_embeds",
      "attention_mask",
      "position_ids",
      ...pastNames(manifest.layers),
    ];
    const decoderOutputs = ["logits", ...presentNames(manifest.layers)];
    const { graphs } = manifest;
    const visionBytes = await read(graphs.vision);
    const embedBytes = await read(graphs.embed);
    const vision = await createGraph(
      visionBytes,
      ort,
      graphs.vision,
      options,
      ["pixel_values"],
      ["image_features"],
    );
    const embed = await createGraph(
      embedBytes,
      ort,
      graphs.embed,
      options,
      ["input_ids"],
      ["inputs_embeds"],
    );
    const decoderBytes = await read(graphs.decoder);
    const decoder = await createGraph(
      decoderBytes,
      ort,
      graphs.decoder,
      options,
      decoderInputs,
      decoderOutputs,
    );
    const opened = { bytes: visionBytes.length + embedBytes.length + decoderBytes.length };
    const openAnalysis = async () => {
      if (!graphs.analysis) {
        throw new HeadflowError("bad-model", "this bundle has no analysis graph (graphs.analysis)");
      }
      const bytes = await read(graphs.analysis);
      opened.bytes += bytes.length;
      return createGraph(
        bytes,
        ort,
        graphs.analysis,
        options,
        [...decoderInputs, ...layers.map(attentionBias)],
        [...decoderOutputs, ...layers.map(attentions)],
      );
    };
    return new OrtVlmSession(
      ort,
      dimsOf(manifest),
      { vision, embed, decoder },
      openAnalysis,
      layerEntry ? decoderBytes : null,
      options,
      opened,
    );
  }

  memory(): SessionMemory {
    return { weightBytes: this.opened.bytes };
  }

  async layerEntry(): Promise<boolean> {
    return (await this.residualsSession()) !== null;
  }

  private residualsSession(): Promise<OrtSession | null> {
    this.residuals ??= (async () => {
      const parts = this.decoderBytes && parseGraph(this.decoderBytes);
      const graph = parts && residualsGraph(parts, this.dims.layers);
      if (!graph) return null;
      this.parts = parts; // entry graphs are cut from the same parsed form later
      this.opened.bytes += graph.length;
      return this.ort.InferenceSession.create(graph, this.sessionOptions);
    })();
    return this.residuals;
  }

  private entrySession(layer: number): Promise<OrtSession> {
    let session = this.entries.get(layer);
    if (!session) {
      session = (async () => {
        if (!(await this.residualsSession()) || !this.parts)
          throw new Error("decode: this session has no layer entry");
        const graph = entryGraph(this.parts, layer);
        if (!graph) throw new Error(`decode: cannot enter the decoder at layer ${layer}`);
        this.opened.bytes += graph.length;
        return this.ort.InferenceSession.create(graph, this.sessionOptions);
      })();
      this.entries.set(layer, session);
    }
    return session;
  }

  async encodeImage(pixelValues: Float32Array, batch: number): Promise<Float32Array> {
    const size = this.dims.imageSize;
    const input = new this.ort.Tensor("float32", pixelValues, [batch, 3, size, size]);
    const out = await this.vision.run({ pixel_values: input }, ["image_features"]);
    return floats(out["image_features"]);
  }

  async embed(ids: readonly number[]): Promise<Float32Array> {
    const input = new this.ort.Tensor("int64", BigInt64Array.from(ids, BigInt), [1, ids.length]);
    const out = await this.embedder.run({ input_ids: input }, ["inputs_embeds"]);
    return floats(out["inputs_embeds"]);
  }

  async decode(request: DecodeRequest): Promise<AnalysisResult> {
    const layer = request.fromLayer ?? 0;
    if (layer < 0 || layer >= this.dims.layers || !Number.isInteger(layer))
      throw new Error(`decode: fromLayer must be a layer index (got ${layer})`);
    // An explicit fromLayer (0 too) asks for the derived graph: final-position logits only.
    if (request.fromLayer !== undefined && this.decoderBytes) {
      if (request.wantPresent || request.wantResiduals || request.logits !== "last")
        throw new Error("decode: a run entered at a layer returns the last logits only");
      return this.runDecoder(await this.entrySession(layer), request);
    }
    if (layer > 0) throw new Error("decode: this session has no layer entry");
    if (request.wantResiduals) {
      const graph = await this.residualsSession();
      if (!graph) throw new Error("decode: this session has no layer entry");
      return this.runDecoder(graph, request);
    }
    return this.runDecoder(this.decoder, request);
  }

  async decodeAnalysis(request: AnalysisRequest): Promise<AnalysisResult> {
    this.analysis ??= this.openAnalysis();
    return this.runDecoder(await this.analysis, request);
  }

  private async runDecoder(graph: OrtSession, request: AnalysisRequest): Promise<AnalysisResult> {
    const { layers, heads, headDim, vocabSize } = this.dims;
    const { batch, length } = request;
    const { feeds, total } = decoderFeeds(this.ort, graph.inputNames, this.dims, request);
    const isAnalysis = graph.inputNames.includes(attentionBias(0));
    if (isAnalysis) {
      const biasSize = batch * heads * length * total;
      for (let i = 0; i < layers; i++) {
        const bias = request.bias?.[i] ?? new Float32Array(biasSize);
        if (bias.length !== biasSize)
          throw new Error(
            `decode: ${attentionBias(i)} has ${bias.length} values, expected ${biasSize}`,
          );
        feeds[attentionBias(i)] = new this.ort.Tensor("float32", bias, [
          batch,
          heads,
          length,
          total,
        ]);
      }
    }
    const fetches = ["logits"];
    if (request.wantPresent) {
      for (let i = 0; i < layers; i++) fetches.push(presentKey(i), presentValue(i));
    }
    if (isAnalysis && request.wantAttentions) {
      for (let i = 0; i < layers; i++) fetches.push(attentions(i));
    }
    if (request.wantResiduals) {
      for (let i = 1; i < layers; i++) fetches.push(residual(i));
    }
    const out = await graph.run(feeds, fetches);
    const allLogits = floats(out["logits"]);
    const result: AnalysisResult = {
      logits:
        request.logits === "all" ? allLogits : lastPosition(allLogits, batch, length, vocabSize),
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
    if (isAnalysis && request.wantAttentions) {
      result.attentions = range(layers).map((i) => floats(out[attentions(i)]));
    }
    if (request.wantResiduals) {
      result.residuals = range(layers).map((i) =>
        i === 0 ? request.embeds : floats(out[residual(i)]),
      );
    }
    return result;
  }

  async release(): Promise<void> {
    const sessions = [this.vision, this.embedder, this.decoder];
    if (this.analysis) sessions.push(await this.analysis);
    const residuals = this.residuals && (await this.residuals);
    if (residuals) sessions.push(residuals);
    for (const entry of this.entries.values()) sessions.push(await entry);
    await Promise.all(sessions.map((s) => s.release()));
  }
}

function floats(tensor: OrtTensor | undefined): Float32Array {
  if (!tensor || tensor.type !== "float32") throw new Error("expected a float32 output tensor");
  return tensor.data as Float32Array;
}

/** `[batch, length, vocab]` -> `[batch, vocab]` at the final position. */
function lastPosition(
  logits: Float32Array,
  batch: number,
  length: number,
  vocab: number,
): Float32Array {
  // Graphs entered at a layer (layer-entry.ts) compute the final position only.
  if (length === 1 || logits.length === batch * vocab) return logits;
  const out = new Float32Array(batch * vocab);
  for (let b = 0; b < batch; b++) {
    const from = (b * length + length - 1) * vocab;
    out.set(logits.subarray(from, from + vocab), b * vocab);
  }
  return out;
}
