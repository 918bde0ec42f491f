/**
 * The JSON of the paper's analyses: `headflow evaluate`, `flow`, `patches` and
 * `sets` (and `merge`, which writes a sets result). Like result.ts, each kind carries a
 * versioned `schema` tag and a zod schema the browser UI validates an opened file with.
 * Heads are written `L.H`; per-head numbers are `[layer][head]` arrays, as in an
 * attribution.
 */
import { z } from "zod";
import { HeadflowError } from "../errors";
import { AttributionResultSchema } from "./attribution-results";
import {
  MAX_HEADS,
  MAX_LAYERS,
  MAX_PATCH_GRID_SIDE,
  MAX_PROMPT_TOKENS,
  MAX_RANKINGS,
  MAX_SET_IMAGES,
  checkGrid,
  checkHeadGeometry,
  checkIndices,
  checkLength,
  correlation,
  count,
  finite,
  probability,
  report,
  type Issue,
} from "./limits";

export const EVALUATE_SCHEMA = "headflow.evaluate/1";
export const FLOW_SCHEMA = "headflow.flow/1";
export const PATCHES_SCHEMA = "headflow.patches/1";
export const SETS_SCHEMA = "headflow.sets/1";

const shape = AttributionResultSchema.shape;
const ModelRefSchema = shape.model;
const ImageRefSchema = shape.image;
const AttributionSettingsSchema = shape.settings;
const MAX_HEAD_POINTS = MAX_LAYERS * MAX_HEADS + 1;
const HeadGridSchema = z.array(z.array(finite()).max(MAX_HEADS)).max(MAX_LAYERS);
const nullableNumbers = z.array(finite().nullable()).max(MAX_HEAD_POINTS);
const AnswerSchema = z.object({ token: z.string(), id: count() });
const TimingsSchema = z.object({ totalMs: finite() });

const RankingSchema = z.object({
  method: z.enum(["attribution", "attention", "single-head", "random"]),
  /** Seed of a random ranking; null for the others. */
  seed: count().nullable(),
  /** The score the order comes from ([layer][head]); null for random. */
  scores: HeadGridSchema.nullable(),
  /** Heads in the order the method picks them. */
  order: z.array(z.string()).max(MAX_HEAD_POINTS),
  /** Index k = 0..layers*heads; null where clean = all-ablated (no scale). */
  faithfulness: nullableNumbers,
  completeness: nullableNumbers,
  /** Raw targets with only the top-k intact / with the top-k ablated. */
  keptTargets: z.array(finite()).max(MAX_HEAD_POINTS),
  droppedTargets: z.array(finite()).max(MAX_HEAD_POINTS),
  kFaithfulness: count().nullable(),
  kCompleteness: count().nullable(),
});

type Ranking = z.infer<typeof RankingSchema>;

/** Each ranking's grid is layers x heads and its curves have a point per k = 0..cells. */
function checkRanking(ranking: Ranking, layers: number, heads: number, path: (string | number)[]) {
  const points = layers * heads + 1;
  const issues: Issue[] = [];
  if (ranking.scores)
    issues.push(...checkGrid(ranking.scores, layers, heads, [...path, "scores"], "scores"));
  issues.push(
    ...checkLength(ranking.faithfulness, points, [...path, "faithfulness"], "faithfulness"),
    ...checkLength(ranking.completeness, points, [...path, "completeness"], "completeness"),
    ...checkLength(ranking.keptTargets, points, [...path, "keptTargets"], "keptTargets"),
    ...checkLength(ranking.droppedTargets, points, [...path, "droppedTargets"], "droppedTargets"),
  );
  if (ranking.order.length > points - 1) {
    issues.push({ path: [...path, "order"], message: `order names more than ${points - 1} heads` });
  }
  return issues;
}

/** The model a result names has the geometry the result states. */
function checkModel(
  model: { layers: number; heads: number },
  layers: number,
  heads: number | undefined,
): Issue[] {
  return model.layers !== layers || (heads !== undefined && model.heads !== heads)
    ? [
        {
          path: ["model"],
          message: `the model has ${model.layers} x ${model.heads} heads but the result is for ${layers} layers${heads !== undefined ? ` x ${heads} heads` : ""}`,
        },
      ]
    : [];
}

export const EvaluateResultSchema = z
  .object({
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
      randomRankings: z.number().int().min(0).max(MAX_RANKINGS),
      randomSeed: count(),
      level: finite(),
    }),
    /** Target with nothing ablated / with every head ablated (the 1 and 0 of the scale). */
    clean: finite(),
    allAblated: finite(),
    attributionFit: shape.fit,
    rankings: z.array(RankingSchema).max(MAX_RANKINGS),
    /** Per method: smallest k reaching the level (random: mean over its seeds that reach it). */
    summary: z
      .array(
        z.object({
          method: RankingSchema.shape.method,
          runs: count(),
          kFaithfulness: finite().nullable(),
          kCompleteness: finite().nullable(),
        }),
      )
      .max(MAX_RANKINGS),
    timings: TimingsSchema.extend({ masks: count() }),
    runtime: z.string(),
    createdAt: z.string(),
  })
  .superRefine((result, context) => {
    const geometry = checkHeadGeometry(result.layers, result.heads);
    if (geometry.length > 0) return report(context, geometry);
    report(context, checkModel(result.model, result.layers, result.heads));
    result.rankings.forEach((ranking, i) =>
      report(context, checkRanking(ranking, result.layers, result.heads, ["rankings", i])),
    );
  });

const TokenGroupSchema = z.enum([
  "prefix",
  "imageObject",
  "imageBackground",
  "question",
  "role",
  "final",
]);

const gridSide = () => z.number().int().min(1).max(MAX_PATCH_GRID_SIDE);

const ObjectMaskSchema = z.object({
  /** scene: the sample's patchCoverage; mask: given by the user; contribution: thresholded map. */
  source: z.enum(["scene", "mask", "contribution"]),
  /** Coverage threshold (scene) or fraction of the largest contribution (contribution). */
  threshold: finite().nullable(),
  /** Object patch indices, row-major over the patch grid. */
  patches: z.array(z.number().int()).max(MAX_PATCH_GRID_SIDE * MAX_PATCH_GRID_SIDE),
});

export const FlowResultSchema = z
  .object({
    schema: z.literal(FLOW_SCHEMA),
    model: ModelRefSchema,
    image: ImageRefSchema,
    question: z.string(),
    answer: AnswerSchema,
    promptTokens: z.array(z.string()).max(MAX_PROMPT_TOKENS),
    /** Absolute prompt positions of each group. */
    groups: z.record(TokenGroupSchema, z.array(z.number().int()).max(MAX_PROMPT_TOKENS)),
    objectMask: ObjectMaskSchema,
    /**
     * The display grid the object mask's cells lie on (model/image-layout.ts): the model's
     * patch grid, or a tiled image's mosaic. Absent in results made before it was recorded.
     */
    grid: z.tuple([gridSide(), gridSide()]).optional(),
    /** Window size w in layers; point l blocks layers l .. min(l + w, layers) - 1. */
    window: z.number().int(),
    layers: z.number().int().min(1).max(MAX_LAYERS),
    cleanProbability: probability(),
    curves: z
      .array(
        z.object({
          source: TokenGroupSchema,
          target: TokenGroupSchema,
          /** Answer probability per window start layer. */
          probability: z.array(probability()).max(MAX_LAYERS),
          /** (p - p_clean) / p_clean per window start layer. */
          change: z.array(finite()).max(MAX_LAYERS),
        }),
      )
      .max(TokenGroupSchema.options.length ** 2),
    timings: TimingsSchema,
    runtime: z.string(),
    createdAt: z.string(),
  })
  .superRefine((result, context) => {
    const { layers } = result;
    report(context, checkModel(result.model, layers, undefined));
    if (result.window < 0 || result.window > layers) {
      context.addIssue({
        code: "custom",
        path: ["window"],
        message: `the window must be 0..${layers} layers (got ${result.window})`,
      });
    }
    for (const [group, positions] of Object.entries(result.groups)) {
      report(
        context,
        checkIndices(positions, result.promptTokens.length, ["groups", group], "prompt position"),
      );
    }
    if (result.grid) {
      const [rows, columns] = result.grid;
      report(
        context,
        checkIndices(
          result.objectMask.patches,
          rows * columns,
          ["objectMask", "patches"],
          "object patch",
        ),
      );
    }
    result.curves.forEach((curve, i) => {
      report(context, [
        ...checkLength(curve.probability, layers, ["curves", i, "probability"], "probability"),
        ...checkLength(curve.change, layers, ["curves", i, "change"], "change"),
      ]);
    });
  });

const PatchBlockSchema = z.object({
  patches: count(),
  probability: probability(),
  drop: finite(),
  dropPerPatch: finite(),
});

export const PatchesResultSchema = z
  .object({
    schema: z.literal(PATCHES_SCHEMA),
    model: ModelRefSchema,
    image: ImageRefSchema,
    question: z.string(),
    answer: AnswerSchema,
    grid: z.tuple([gridSide(), gridSide()]),
    objectMask: ObjectMaskSchema,
    cleanProbability: probability(),
    /** Text -> image edges blocked in every layer, to these patches. */
    object: PatchBlockSchema,
    background: PatchBlockSchema,
    wholeImage: PatchBlockSchema,
    /** [row][col]: p_clean - p with text -> that patch blocked in every layer. */
    contributions: z.array(z.array(finite()).max(MAX_PATCH_GRID_SIDE)).max(MAX_PATCH_GRID_SIDE),
    timings: TimingsSchema,
    runtime: z.string(),
    createdAt: z.string(),
  })
  .superRefine((result, context) => {
    const [rows, columns] = result.grid;
    report(context, [
      ...checkGrid(result.contributions, rows, columns, ["contributions"], "contributions"),
      ...checkIndices(
        result.objectMask.patches,
        rows * columns,
        ["objectMask", "patches"],
        "object patch",
      ),
    ]);
  });

const SetImageSchema = z.object({
  index: count(),
  file: z.string(),
  set: z.string(),
  category: z.string().nullable(),
  style: z.string().nullable(),
  answer: z.string(),
  heldOutR: correlation().nullable(),
  scores: HeadGridSchema,
});

export const SetsResultSchema = z
  .object({
    schema: z.literal(SETS_SCHEMA),
    model: ModelRefSchema,
    question: z.string(),
    baseline: z.string(),
    target: shape.target,
    settings: AttributionSettingsSchema,
    permutations: count(),
    permutationSeed: count(),
    layers: z.number().int(),
    heads: z.number().int(),
    /** Fingerprint of the image list and settings; shards merge only when equal. */
    fingerprint: z.string(),
    /** Images in the whole list (a shard holds a part of them). */
    total: count(),
    /** Present in a shard's output only (1-based index of count). */
    shard: z.object({ index: count(), count: count() }).optional(),
    images: z.array(SetImageSchema).max(MAX_SET_IMAGES),
    sets: z
      .array(
        z.object({
          name: z.string(),
          count: count(),
          mean: HeadGridSchema,
          standardError: z.array(z.array(finite().nullable()).max(MAX_HEADS)).max(MAX_LAYERS),
        }),
      )
      .max(MAX_SET_IMAGES),
    /** Pearson similarity of the images' attribution vectors (null: a constant vector). */
    similarity: z.array(z.array(correlation().nullable()).max(MAX_SET_IMAGES)).max(MAX_SET_IMAGES),
    test: z
      .object({
        sameCategoryDifferentStyle: z.object({ mean: finite(), pairs: count() }),
        sameStyleDifferentCategory: z.object({ mean: finite(), pairs: count() }),
        difference: finite(),
        pValue: probability(),
        permutations: count(),
        seed: count(),
      })
      .nullable(),
    timings: TimingsSchema,
    runtime: z.string(),
    createdAt: z.string(),
  })
  .superRefine((result, context) => {
    const { layers, heads } = result;
    const geometry = checkHeadGeometry(layers, heads);
    if (geometry.length > 0) return report(context, geometry);
    report(context, checkModel(result.model, layers, heads));
    result.images.forEach((image, i) =>
      report(context, checkGrid(image.scores, layers, heads, ["images", i, "scores"], "scores")),
    );
    result.sets.forEach((set, i) =>
      report(context, [
        ...checkGrid(set.mean, layers, heads, ["sets", i, "mean"], "mean"),
        ...checkGrid(
          set.standardError,
          layers,
          heads,
          ["sets", i, "standardError"],
          "standardError",
        ),
      ]),
    );
    const images = result.images.length;
    report(context, checkGrid(result.similarity, images, images, ["similarity"], "similarity"));
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
    throw new HeadflowError(
      "bad-argument",
      `not a HeadFlow analysis of a supported version: schema is ${JSON.stringify(tag)}, expected one of ${Object.keys(ANALYSIS_SCHEMAS).join(", ")}`,
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new HeadflowError(
      "bad-argument",
      `not a valid ${String(tag)} result: ${first ? `${first.path.join(".")}: ${first.message}` : "unknown problem"}`,
    );
  }
  return parsed.data as AnalysisJson;
}
