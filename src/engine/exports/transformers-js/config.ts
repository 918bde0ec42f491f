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
import { configDefaults } from "./config-defaults";
import { dtypePlan, dtypeSuffix, type DtypeBackend } from "./dtypes";
import type { RopeConfig } from "./mrope";
import { qwenImageGeometry, QwenPreprocessorSchema } from "./qwen2-vl-geometry";

const positiveInt = z.number().int().positive();
const tokenId = z.number().int().nonnegative();
const tokenIds = z.union([tokenId, z.array(tokenId)]);

// Fields transformers' config classes default may be absent: config-defaults.ts fills them.
const TextConfigSchema = z.looseObject({
  model_type: z.string().optional(),
  num_hidden_layers: positiveInt.optional(),
  num_attention_heads: positiveInt.optional(),
  num_key_value_heads: positiveInt.nullable().optional(),
  hidden_size: positiveInt.optional(),
  head_dim: positiveInt.nullable().optional(),
  vocab_size: positiveInt.optional(),
  max_position_embeddings: positiveInt.optional(),
  eos_token_id: tokenIds.nullable().optional(),
});

const ConfigSchema = z.looseObject({
  model_type: z.string(),
  text_config: TextConfigSchema.optional(),
  vision_config: z
    .looseObject({
      model_type: z.string().optional(),
      image_size: positiveInt.optional(),
      patch_size: positiveInt.optional(),
    })
    .optional(),
  vocab_size: positiveInt.optional(),
  image_token_index: tokenId.optional(),
  image_token_id: tokenId.optional(),
  scale_factor: positiveInt.optional(),
});

const SizeSchema = z.union([
  z.object({ longest_edge: positiveInt }).loose(),
  z.object({ height: positiveInt, width: positiveInt }).loose(),
  z.object({ shortest_edge: positiveInt }).loose(),
  // Qwen2-VL: pixel-count limits, not a size (qwen2-vl-geometry.ts reads them).
  z.object({ max_pixels: positiveInt }).loose(),
  positiveInt,
]);

const PreprocessorSchema = z.looseObject({
  image_mean: z.array(z.number()).length(3).optional(),
  image_std: z.array(z.number()).length(3).optional(),
  size: SizeSchema.optional(),
});

const GenerationSchema = z.looseObject({ eos_token_id: tokenIds.optional() });

const GRAPH_FILES = {
  vision: "vision_encoder",
  embed: "embed_tokens",
  decoder: "decoder_model_merged",
} as const;

export type GraphName = keyof typeof GRAPH_FILES;
export const GRAPH_NAMES = Object.keys(GRAPH_FILES) as GraphName[];

/** `onnx/<graph><dtype suffix>.onnx`, the transformers.js file name of a graph. */
export function graphPath(graph: GraphName, dtype: string): string {
  return `onnx/${GRAPH_FILES[graph]}${dtypeSuffix(dtype)}.onnx`;
}

export { DTYPE_SUFFIXES, FLOAT32_IO_DTYPES, type DtypeBackend } from "./dtypes";

/** What the model's stock graphs allow, shown with every third-party model. */
export interface Capabilities {
  ask: true;
  ablation: true;
  attribution: true;
  /** `kv-group` when several query heads share one key/value head (ablation acts on the group). */
  headUnit: "head" | "kv-group";
  /** Attention weights (the attention ranking, the head's attention map). */
  attentionWeights: boolean;
  /** Attention knockout (token-level flow, patch knockout). */
  knockout: boolean;
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
  /** dtypes to try per graph, in order (dtypes.ts). */
  dtypes: Record<GraphName, string[]>;
  /** dtypes tried that did not open, and why (shown with the model). */
  dtypeNotes: string[];
  /** `<graph> <dtype>` of each variant that was present but did not open. */
  dtypeFailed: string[];
  /** External data chunks of a graph's dtype variant (config.json's transformers.js_config). */
  externalDataChunks(graph: GraphName, dtype: string): number;
  /** config.json's get_rope_index fields (architectures with M-RoPE only; mrope.ts). */
  rope?: RopeConfig;
  /** The key/value cache type config.json's transformers.js_config announces, if any. */
  kvCacheDtype(dtype: string): "float16" | "float32" | null;
  /** config.json fields absent and filled with transformers' defaults (config-defaults.ts). */
  defaulted: string[];
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

export interface DeriveOptions {
  /** A transformers.js dtype, or "auto" (the default): dtypes.ts. */
  dtype?: string;
  /** Where the sessions will run (the dtype order): "cpu" unless said. */
  backend?: DtypeBackend;
}

/** A required field that neither config.json nor transformers' defaults give. */
function required<T>(value: T | null | undefined, field: string): T {
  if (value === undefined || value === null) {
    throw new HeadflowError(
      "bad-model",
      `model file config.json is invalid: it has no ${field}, and its model_type has no default for it`,
    );
  }
  return value;
}

/** Reads the export's own config files and derives everything HeadFlow needs. */
export async function deriveManifest(
  read: ReadFile,
  options: DeriveOptions = {},
): Promise<ThirdPartyManifest> {
  const rawConfig = await readJson(read, "config.json");
  const modelType = (rawConfig as { model_type?: unknown } | null)?.model_type;
  const architecture = architectureOf(modelType);
  const defaulted = configDefaults(rawConfig);
  const config = validateBundleJson(ConfigSchema, defaulted.config, "config.json");
  const plan = dtypePlan(rawConfig, options.backend ?? "cpu", options.dtype);
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

  // Qwen2-VL's config.json holds the text model's fields at its top level.
  const rawText =
    config.text_config ?? (architecture.mrope ? (config as z.infer<typeof TextConfigSchema>) : {});
  const text = {
    ...rawText,
    num_hidden_layers: required(rawText.num_hidden_layers, "text_config.num_hidden_layers"),
    num_attention_heads: required(rawText.num_attention_heads, "text_config.num_attention_heads"),
    hidden_size: required(rawText.hidden_size, "text_config.hidden_size"),
    max_position_embeddings: required(
      rawText.max_position_embeddings,
      "text_config.max_position_embeddings",
    ),
  };
  const kvHeads = rawText.num_key_value_heads ?? text.num_attention_heads;
  if (text.num_attention_heads % kvHeads !== 0) {
    throw new HeadflowError(
      "bad-model",
      `model file config.json is invalid: text_config.num_attention_heads ${text.num_attention_heads} is not a multiple of num_key_value_heads ${kvHeads}`,
    );
  }
  const headDim = rawText.head_dim ?? text.hidden_size / text.num_attention_heads;
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
  let inputSize: number;
  let tokenGrid: [number, number];
  let rope: RopeConfig | undefined;
  if (architecture.mrope) {
    // The image decides the grid (smart_resize): the nominal square image's is shown.
    const geometry = qwenImageGeometry(
      validateBundleJson(QwenPreprocessorSchema, preprocessor, "preprocessor_config.json"),
    );
    inputSize = geometry.inputSize;
    tokenGrid = geometry.tokenGrid;
    const raw = config as Record<string, unknown>;
    const visionStart = raw["vision_start_token_id"];
    if (typeof visionStart !== "number") {
      throw new HeadflowError(
        "bad-model",
        "model file config.json is invalid: it has no vision_start_token_id",
      );
    }
    const merge = (config.vision_config as { spatial_merge_size?: unknown } | undefined)
      ?.spatial_merge_size;
    rope = {
      image_token_id: imageTokenId,
      vision_start_token_id: visionStart,
      ...(typeof raw["video_token_id"] === "number"
        ? { video_token_id: raw["video_token_id"] }
        : {}),
      vision_config: typeof merge === "number" ? { spatial_merge_size: merge } : {},
    };
  } else {
    const vision = {
      image_size: required(config.vision_config?.image_size, "vision_config.image_size"),
      patch_size: required(config.vision_config?.patch_size, "vision_config.patch_size"),
    };
    const patches = vision.image_size / vision.patch_size;
    const scale = config.scale_factor ?? 1;
    const seqLen =
      typeof processorJson?.image_seq_len === "number" ? processorJson.image_seq_len : null;
    const side = seqLen !== null ? Math.round(Math.sqrt(seqLen)) : Math.floor(patches / scale);
    inputSize = sideOf(preprocessor.size, vision.image_size);
    tokenGrid = [side, side];
  }
  const dtypes = {
    vision: plan.candidates(GRAPH_FILES.vision),
    embed: plan.candidates(GRAPH_FILES.embed),
    decoder: plan.candidates(GRAPH_FILES.decoder),
  };
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
    eosTokenIds: [...first(generation.eos_token_id), ...first(text.eos_token_id ?? undefined)],
    inputSize,
    tokenGrid,
    mean: rgb(preprocessor.image_mean),
    std: rgb(preprocessor.image_std),
    // The first candidates until the sessions open (export-session.ts records the opened).
    dtype: dtypes.decoder[0]!,
    graphs: {
      vision: graphPath("vision", dtypes.vision[0]!),
      embed: graphPath("embed", dtypes.embed[0]!),
      decoder: graphPath("decoder", dtypes.decoder[0]!),
    },
    dtypes,
    dtypeNotes: [],
    dtypeFailed: [],
    externalDataChunks: (graph, dtype) => plan.externalDataChunks(GRAPH_FILES[graph], dtype),
    kvCacheDtype: (dtype) => plan.kvCacheDtype(dtype),
    ...(rope ? { rope } : {}),
    defaulted: defaulted.filled,
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
    // The dtype opened (and those that did not) travel with every result.
    name: `${id} (${tp.modelType}, ${tp.dtype}${
      tp.dtypeFailed.length > 0 ? ` after ${tp.dtypeFailed.join(", ")} did not open` : ""
    }${
      grouped
        ? `; heads are key/value groups: ${tp.queryHeads} query heads in ${tp.kvHeads} groups per layer`
        : ""
    })`,
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
