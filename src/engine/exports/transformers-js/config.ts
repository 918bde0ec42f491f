/**
 * The HeadFlow manifest of a third-party export, derived from the files the export already
 * has (config.json, generation_config.json, preprocessor_config.json,
 * processor_config.json): a user never writes one. Also the capability list: which
 * analyses the stock graphs allow.
 */
import { z } from "zod";
import { HeadflowError } from "../../errors";
import { readJson, type ReadFile } from "../../model/files";
import { validateBundleJson, type Manifest } from "../../model/manifest";
import { architectureOf, type Architecture } from "./architectures";

const positiveInt = z.number().int().positive();
const tokenId = z.number().int().nonnegative();
const tokenIds = z.union([tokenId, z.array(tokenId)]);

const TextConfigSchema = z.looseObject({
  model_type: z.string().optional(),
  num_hidden_layers: positiveInt,
  num_attention_heads: positiveInt,
  num_key_value_heads: positiveInt.optional(),
  hidden_size: positiveInt,
  head_dim: positiveInt.optional(),
  vocab_size: positiveInt.optional(),
  max_position_embeddings: positiveInt,
  eos_token_id: tokenIds.optional(),
});

const ConfigSchema = z.looseObject({
  model_type: z.string(),
  text_config: TextConfigSchema,
  vision_config: z.looseObject({ image_size: positiveInt, patch_size: positiveInt }),
  vocab_size: positiveInt.optional(),
  image_token_index: tokenId.optional(),
  image_token_id: tokenId.optional(),
  scale_factor: positiveInt.optional(),
});

const SizeSchema = z.union([
  z.object({ longest_edge: positiveInt }).loose(),
  z.object({ height: positiveInt, width: positiveInt }).loose(),
  z.object({ shortest_edge: positiveInt }).loose(),
  positiveInt,
]);

const PreprocessorSchema = z.looseObject({
  image_mean: z.array(z.number()).length(3).optional(),
  image_std: z.array(z.number()).length(3).optional(),
  size: SizeSchema.optional(),
});

const GenerationSchema = z.looseObject({ eos_token_id: tokenIds.optional() });

/** Graph file suffixes of transformers.js dtypes whose inputs and outputs stay float32. */
export const FLOAT32_IO_DTYPES: Record<string, string> = {
  fp32: "",
  q8: "_quantized",
  int8: "_int8",
  uint8: "_uint8",
  q4: "_q4",
  bnb4: "_bnb4",
};

const GRAPH_FILES = {
  vision: "vision_encoder",
  embed: "embed_tokens",
  decoder: "decoder_model_merged",
} as const;

/** `onnx/<graph><dtype suffix>.onnx`, the transformers.js file name of a graph. */
export function graphPath(graph: keyof typeof GRAPH_FILES, dtype: string): string {
  return `onnx/${GRAPH_FILES[graph]}${FLOAT32_IO_DTYPES[dtype] ?? ""}.onnx`;
}

/** What the model's stock graphs allow, shown with every third-party model. */
export interface Capabilities {
  ask: true;
  ablation: true;
  attribution: true;
  /** `kv-group` when several query heads share one key/value head (ablation acts on the group). */
  headUnit: "head" | "kv-group";
  /** Attention weights (the attention ranking, the head's attention map). */
  attentionWeights: false;
  /** Attention knockout (token-level flow, patch knockout). */
  knockout: false;
  /** The `mean` baseline (needs reference images; third-party exports have none). */
  meanBaseline: false;
  notes: string[];
}

export interface ThirdPartyManifest {
  modelType: string;
  architecture: Architecture;
  layers: number;
  queryHeads: number;
  /** Key/value heads per layer: the unit ablation acts on. */
  kvHeads: number;
  headDim: number;
  hiddenSize: number;
  vocabSize: number;
  maxPositions: number;
  imageTokenId: number;
  eosTokenIds: number[];
  /** Side of the square image handed to the processor by the explorer. */
  inputSize: number;
  /** `[rows, cols]` of image tokens per tile / image. */
  tokenGrid: [number, number];
  mean: [number, number, number];
  std: [number, number, number];
  /** The dtype(s) of the graphs opened ("fp32", or per graph when they differ). */
  dtype: string;
  /** The graph files opened (set when the sessions are created). */
  graphs: { vision: string; embed: string; decoder: string };
  /** dtypes to try per graph, in order: the requested one, or every float32-IO dtype. */
  dtypes: string[];
  capabilities: Capabilities;
}

const first = (ids: number | number[] | undefined): number[] =>
  ids === undefined ? [] : Array.isArray(ids) ? ids : [ids];

async function optionalJson(read: ReadFile, path: string): Promise<unknown> {
  try {
    return await readJson(read, path);
  } catch (error) {
    if (error instanceof HeadflowError && / is missing/.test(error.message)) return undefined;
    throw error;
  }
}

function sideOf(size: z.infer<typeof SizeSchema> | undefined, fallback: number): number {
  if (size === undefined) return fallback;
  if (typeof size === "number") return size;
  const edges = size as { longest_edge?: number; height?: number; shortest_edge?: number };
  return edges.longest_edge ?? edges.height ?? edges.shortest_edge ?? fallback;
}

function capabilitiesOf(queryHeads: number, kvHeads: number): Capabilities {
  const grouped = kvHeads < queryHeads;
  return {
    ask: true,
    ablation: true,
    attribution: true,
    headUnit: grouped ? "kv-group" : "head",
    attentionWeights: false,
    knockout: false,
    meanBaseline: false,
    notes: [
      ...(grouped
        ? [
            `grouped-query attention: ${queryHeads} query heads share ${kvHeads} key/value heads per layer, so ablation replaces a key/value head and acts on its group of ${queryHeads / kvHeads} query heads; scores are per group`,
          ]
        : []),
      "attention weights and attention knockout need attention probabilities and an attention bias, which stock transformers.js exports do not expose (the attention is fused inside the decoder graph); the attention ranking, the head attention map and token-level flow are unavailable",
      "the mean baseline needs reference images, which an export does not ship; use the blank baseline (a uniform gray image of the same size) or another image of the same size",
    ],
  };
}

/** Reads the export's own config files and derives everything HeadFlow needs. */
export async function deriveManifest(
  read: ReadFile,
  options: { dtype?: string } = {},
): Promise<ThirdPartyManifest> {
  const rawConfig = await readJson(read, "config.json");
  const modelType = (rawConfig as { model_type?: unknown } | null)?.model_type;
  const architecture = architectureOf(modelType);
  const config = validateBundleJson(ConfigSchema, rawConfig, "config.json");
  const preprocessor = validateBundleJson(
    PreprocessorSchema,
    await readJson(read, "preprocessor_config.json"),
    "preprocessor_config.json",
  );
  const generationJson = await optionalJson(read, "generation_config.json");
  const generation =
    generationJson === undefined
      ? {}
      : validateBundleJson(GenerationSchema, generationJson, "generation_config.json");
  const processorJson = (await optionalJson(read, "processor_config.json")) as
    { image_seq_len?: unknown } | undefined;

  const text = config.text_config;
  const kvHeads = text.num_key_value_heads ?? text.num_attention_heads;
  if (text.num_attention_heads % kvHeads !== 0) {
    throw new HeadflowError(
      "bad-model",
      `model file config.json is invalid: text_config.num_attention_heads ${text.num_attention_heads} is not a multiple of num_key_value_heads ${kvHeads}`,
    );
  }
  const headDim = text.head_dim ?? text.hidden_size / text.num_attention_heads;
  if (!Number.isInteger(headDim)) {
    throw new HeadflowError(
      "bad-model",
      "model file config.json is invalid: text_config has no head_dim and hidden_size is not a multiple of num_attention_heads",
    );
  }
  const imageTokenId = architecture.imageTokenKeys
    .map((key) => config[key as "image_token_id"])
    .find((id) => id !== undefined);
  if (imageTokenId === undefined) {
    throw new HeadflowError(
      "bad-model",
      `model file config.json is invalid: it names no image token (${architecture.imageTokenKeys.join(" or ")})`,
    );
  }
  const vocabSize = text.vocab_size ?? config.vocab_size;
  if (vocabSize === undefined) {
    throw new HeadflowError("bad-model", "model file config.json is invalid: no vocab_size");
  }
  const dtype = options.dtype ?? "fp32";
  if (FLOAT32_IO_DTYPES[dtype] === undefined) {
    throw new HeadflowError(
      "bad-argument",
      `dtype "${dtype}" is not supported: HeadFlow reads graphs with float32 inputs and outputs (${Object.keys(FLOAT32_IO_DTYPES).join(", ")}); fp16 and *f16 graphs keep float16 key/values`,
    );
  }
  const vision = config.vision_config;
  const patches = vision.image_size / vision.patch_size;
  const scale = config.scale_factor ?? 1;
  const seqLen =
    typeof processorJson?.image_seq_len === "number" ? processorJson.image_seq_len : null;
  const side = seqLen !== null ? Math.round(Math.sqrt(seqLen)) : Math.floor(patches / scale);
  const rgb = (values: number[] | undefined): [number, number, number] =>
    values ? [values[0]!, values[1]!, values[2]!] : [0.5, 0.5, 0.5];
  return {
    modelType: config.model_type,
    architecture,
    layers: text.num_hidden_layers,
    queryHeads: text.num_attention_heads,
    kvHeads,
    headDim,
    hiddenSize: text.hidden_size,
    vocabSize,
    maxPositions: text.max_position_embeddings,
    imageTokenId,
    eosTokenIds: [...first(generation.eos_token_id), ...first(text.eos_token_id)],
    inputSize: sideOf(preprocessor.size, vision.image_size),
    tokenGrid: [side, side],
    mean: rgb(preprocessor.image_mean),
    std: rgb(preprocessor.image_std),
    dtype,
    graphs: {
      vision: graphPath("vision", dtype),
      embed: graphPath("embed", dtype),
      decoder: graphPath("decoder", dtype),
    },
    dtypes: options.dtype ? [dtype] : Object.keys(FLOAT32_IO_DTYPES),
    capabilities: capabilitiesOf(text.num_attention_heads, kvHeads),
  };
}

/**
 * The engine manifest the shared Headflow front door reads. `heads` is the number of
 * key/value heads: the unit an ablation can act on through past_key_values.
 */
export function engineManifest(
  tp: ThirdPartyManifest,
  id: string,
  eosTokenId: number,
  defaultQuestion: string,
): Manifest {
  const grouped = tp.kvHeads < tp.queryHeads;
  return {
    schema: "headflow.manifest/1",
    id,
    name: grouped
      ? `${id} (${tp.modelType}; heads are key/value groups: ${tp.queryHeads} query heads in ${tp.kvHeads} groups per layer)`
      : `${id} (${tp.modelType})`,
    layers: tp.layers,
    heads: tp.kvHeads,
    headDim: tp.headDim,
    hiddenSize: tp.hiddenSize,
    vocabSize: tp.vocabSize,
    image: {
      size: tp.inputSize,
      patchSize: Math.max(1, Math.floor(tp.inputSize / tp.tokenGrid[0])),
      grid: tp.tokenGrid,
      tokens: tp.tokenGrid[0] * tp.tokenGrid[1],
      mean: tp.mean,
      std: tp.std,
    },
    imageTokenId: tp.imageTokenId,
    bosTokenId: null,
    eosTokenId,
    padTokenId: eosTokenId,
    unkTokenId: eosTokenId,
    chatTemplate: "<image> {question}",
    roleTokens: [],
    questions: [{ id: "object", template: defaultQuestion, answers: [] }],
    categories: [],
    styles: [],
    reference: [],
    graphs: tp.graphs,
  };
}
