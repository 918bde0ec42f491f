/**
 * The JSON of the paper's analyses (issue 5): `headflow evaluate`, `flow`, `patches` and
 * `sets` (and `merge`, which writes a sets result). Like result.ts, each kind carries a
 * versioned `schema` tag and a zod schema the browser UI validates an opened file with.
 * Heads are written `L.H`; per-head numbers are `[layer][head]` arrays, as in an
 * attribution.
 */
import { z } from "zod";
import { AttributionResultSchema } from "./attribution-results";

export const EVALUATE_SCHEMA = "headflow.evaluate/1";
export const FLOW_SCHEMA = "headflow.flow/1";
export const PATCHES_SCHEMA = "headflow.patches/1";
export const SETS_SCHEMA = "headflow.sets/1";

const shape = AttributionResultSchema.shape;
const ModelRefSchema = shape.model;
const ImageRefSchema = shape.image;
const AttributionSettingsSchema = shape.settings;
const HeadGridSchema = z.array(z.array(z.number()));
const nullableNumbers = z.array(z.number().nullable());
const AnswerSchema = z.object({ token: z.string(), id: z.number().int() });
const TimingsSchema = z.object({ totalMs: z.number() });

const RankingSchema = z.object({
  method: z.enum(["attribution", "attention", "single-head", "random"]),
  /** Seed of a random ranking; null for the others. */
  seed: z.number().int().nullable(),
  /** The score the order comes from ([layer][head]); null for random. */
  scores: HeadGridSchema.nullable(),
  /** Heads in the order the method picks them. */
  order: z.array(z.string()),
  /** Index k = 0..layers*heads; null where clean = all-ablated (no scale). */
  faithfulness: nullableNumbers,
  completeness: nullableNumbers,
  /** Raw targets with only the top-k intact / with the top-k ablated. */
  keptTargets: z.array(z.number()),
  droppedTargets: z.array(z.number()),
  kFaithfulness: z.number().int().nullable(),
  kCompleteness: z.number().int().nullable(),
});

export const EvaluateResultSchema = z.object({
  schema: z.literal(EVALUATE_SCHEMA),
  model: ModelRefSchema,
  image: ImageRefSchema,
  question: z.string(),
  answer: AnswerSchema,
  target: shape.target,
  baseline: z.string(),
  layers: z.number().int(),
  heads: z.number().int(),
  settings: z.object({
    attribution: AttributionSettingsSchema,
    randomRankings: z.number().int(),
    randomSeed: z.number().int(),
    level: z.number(),
  }),
  /** Target with nothing ablated / with every head ablated (the 1 and 0 of the scale). */
  clean: z.number(),
  allAblated: z.number(),
  attributionFit: shape.fit,
  rankings: z.array(RankingSchema),
  /** Per method: smallest k reaching the level (random: mean over its seeds that reach it). */
  summary: z.array(
    z.object({
      method: RankingSchema.shape.method,
      runs: z.number().int(),
      kFaithfulness: z.number().nullable(),
      kCompleteness: z.number().nullable(),
    }),
  ),
  timings: TimingsSchema.extend({ masks: z.number().int() }),
  runtime: z.string(),
  createdAt: z.string(),
});

const TokenGroupSchema = z.enum([
  "prefix",
  "imageObject",
  "imageBackground",
  "question",
  "role",
  "final",
]);

const ObjectMaskSchema = z.object({
  /** scene: the sample's patchCoverage; mask: given by the user; contribution: thresholded map. */
  source: z.enum(["scene", "mask", "contribution"]),
  /** Coverage threshold (scene) or fraction of the largest contribution (contribution). */
  threshold: z.number().nullable(),
  /** Object patch indices, row-major over the patch grid. */
  patches: z.array(z.number().int()),
});

export const FlowResultSchema = z.object({
  schema: z.literal(FLOW_SCHEMA),
  model: ModelRefSchema,
  image: ImageRefSchema,
  question: z.string(),
  answer: AnswerSchema,
  promptTokens: z.array(z.string()),
  /** Absolute prompt positions of each group. */
  groups: z.record(TokenGroupSchema, z.array(z.number().int())),
  objectMask: ObjectMaskSchema,
  /** Window size w in layers; point l blocks layers l .. min(l + w, layers) - 1. */
  window: z.number().int(),
  layers: z.number().int(),
  cleanProbability: z.number(),
  curves: z.array(
    z.object({
      source: TokenGroupSchema,
      target: TokenGroupSchema,
      /** Answer probability per window start layer. */
      probability: z.array(z.number()),
      /** (p - p_clean) / p_clean per window start layer. */
      change: z.array(z.number()),
    }),
  ),
  timings: TimingsSchema,
  runtime: z.string(),
  createdAt: z.string(),
});

const PatchBlockSchema = z.object({
  patches: z.number().int(),
  probability: z.number(),
  drop: z.number(),
  dropPerPatch: z.number(),
});

export const PatchesResultSchema = z.object({
  schema: z.literal(PATCHES_SCHEMA),
  model: ModelRefSchema,
  image: ImageRefSchema,
  question: z.string(),
  answer: AnswerSchema,
  grid: z.tuple([z.number().int(), z.number().int()]),
  objectMask: ObjectMaskSchema,
  cleanProbability: z.number(),
  /** Text -> image edges blocked in every layer, to these patches. */
  object: PatchBlockSchema,
  background: PatchBlockSchema,
  wholeImage: PatchBlockSchema,
  /** [row][col]: p_clean - p with text -> that patch blocked in every layer. */
  contributions: z.array(z.array(z.number())),
  timings: TimingsSchema,
  runtime: z.string(),
  createdAt: z.string(),
});

const SetImageSchema = z.object({
  index: z.number().int(),
  file: z.string(),
  set: z.string(),
  category: z.string().nullable(),
  style: z.string().nullable(),
  answer: z.string(),
  heldOutR: z.number().nullable(),
  scores: HeadGridSchema,
});

export const SetsResultSchema = z.object({
  schema: z.literal(SETS_SCHEMA),
  model: ModelRefSchema,
  question: z.string(),
  baseline: z.string(),
  target: shape.target,
  settings: AttributionSettingsSchema,
  permutations: z.number().int(),
  permutationSeed: z.number().int(),
  layers: z.number().int(),
  heads: z.number().int(),
  /** Fingerprint of the image list and settings; shards merge only when equal. */
  fingerprint: z.string(),
  /** Images in the whole list (a shard holds a part of them). */
  total: z.number().int(),
  /** Present in a shard's output only (1-based index of count). */
  shard: z.object({ index: z.number().int(), count: z.number().int() }).optional(),
  images: z.array(SetImageSchema),
  sets: z.array(
    z.object({
      name: z.string(),
      count: z.number().int(),
      mean: HeadGridSchema,
      standardError: z.array(z.array(z.number().nullable())),
    }),
  ),
  /** Pearson similarity of the images' attribution vectors (null: a constant vector). */
  similarity: z.array(z.array(z.number().nullable())),
  test: z
    .object({
      sameCategoryDifferentStyle: z.object({ mean: z.number(), pairs: z.number().int() }),
      sameStyleDifferentCategory: z.object({ mean: z.number(), pairs: z.number().int() }),
      difference: z.number(),
      pValue: z.number(),
      permutations: z.number().int(),
      seed: z.number().int(),
    })
    .nullable(),
  timings: TimingsSchema,
  runtime: z.string(),
  createdAt: z.string(),
});

export type EvaluateResult = z.infer<typeof EvaluateResultSchema>;
export type FlowResult = z.infer<typeof FlowResultSchema>;
export type PatchesResult = z.infer<typeof PatchesResultSchema>;
export type SetsResult = z.infer<typeof SetsResultSchema>;
export type SetImageJson = z.infer<typeof SetImageSchema>;

const ANALYSIS_SCHEMAS = {
  [EVALUATE_SCHEMA]: EvaluateResultSchema,
  [FLOW_SCHEMA]: FlowResultSchema,
  [PATCHES_SCHEMA]: PatchesResultSchema,
  [SETS_SCHEMA]: SetsResultSchema,
} as const;

export type AnalysisJson = EvaluateResult | FlowResult | PatchesResult | SetsResult;

/** Parses any analysis JSON by its schema tag, with a one-line error. */
export function parseAnalysisJson(value: unknown): AnalysisJson {
  const tag =
    typeof value === "object" && value !== null && "schema" in value
      ? (value as { schema: unknown }).schema
      : undefined;
  const schema = ANALYSIS_SCHEMAS[tag as keyof typeof ANALYSIS_SCHEMAS];
  if (!schema) {
    throw new Error(
      `not a HeadFlow analysis of a supported version: schema is ${JSON.stringify(tag)}, expected one of ${Object.keys(ANALYSIS_SCHEMAS).join(", ")}`,
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(
      `not a valid ${String(tag)} result: ${first ? `${first.path.join(".")}: ${first.message}` : "unknown problem"}`,
    );
  }
  return parsed.data as AnalysisJson;
}
