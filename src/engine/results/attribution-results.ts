/**
 * The JSON the engine produces (CLI stdout, `--out` files, browser exports). Each kind has
 * a versioned `schema` tag; a breaking change bumps the number. The browser UI validates
 * an opened file with these schemas, so they are the contract between front ends.
 */
import { z } from "zod";
import { HeadflowError } from "../errors";
import { MAX_ATTRIBUTION_SAMPLES } from "../attribution/attribute-heads";
import {
  MAX_HEADS,
  MAX_HEAD_CELLS,
  MAX_IMAGE_SIDE,
  MAX_LAYERS,
  MAX_PROMPT_TOKENS,
  MAX_TOP_TOKENS,
  checkGrid,
  checkHeadGeometry,
  correlation,
  count,
  finite,
  probability,
  report,
} from "./limits";

export const ANSWER_SCHEMA = "headflow.answer/1";
export const ABLATION_SCHEMA = "headflow.ablation/1";
export const ATTRIBUTION_SCHEMA = "headflow.attribution/1";
export const BENCH_SCHEMA = "headflow.bench/1";

const TokenScoreSchema = z.object({
  id: count(),
  token: z.string(),
  probability: probability(),
  logit: finite(),
});

const TopTokensSchema = z.array(TokenScoreSchema).max(MAX_TOP_TOKENS);

const ModelRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  layers: z.number().int().min(1).max(MAX_LAYERS),
  heads: z.number().int().min(1).max(MAX_HEADS),
  /** Whether the bundle is a random-initialised (untrained) export. */
  randomInit: z.boolean().optional(),
  /** The training step the weights come from, when the exporter recorded it. */
  trainingStep: count().optional(),
});

const ImageRefSchema = z.object({
  name: z.string(),
  width: z.number().int().min(1).max(MAX_IMAGE_SIDE),
  height: z.number().int().min(1).max(MAX_IMAGE_SIDE),
});

const TargetKindSchema = z.enum(["logit", "logprob", "margin"]);

export const AnswerResultSchema = z.object({
  schema: z.literal(ANSWER_SCHEMA),
  model: ModelRefSchema,
  image: ImageRefSchema,
  question: z.string(),
  /** The greedy answer text (up to maxTokens tokens, stopping at end of sequence). */
  answer: z.string(),
  answerTokens: z.array(z.string()),
  /** Top-k probabilities of the first answer token. */
  top: TopTokensSchema,
});

const AblationSideSchema = z.object({
  target: z.number(),
  answer: z.string(),
  top: TopTokensSchema,
});

export const AblationResultSchema = z.object({
  schema: z.literal(ABLATION_SCHEMA),
  model: ModelRefSchema,
  image: ImageRefSchema,
  question: z.string(),
  baseline: z.string(),
  /** Ablated heads, `L.H` 0-based. */
  heads: z.array(z.string()).max(MAX_LAYERS * MAX_HEADS),
  target: z.object({ kind: TargetKindSchema, token: z.string(), id: count() }),
  clean: AblationSideSchema,
  ablated: AblationSideSchema,
});

/**
 * Checks of an attribution's stopping rule a result may list: a run of the most samples
 * checks about 60 times at the rule's spacing of 1.25; a file may state a finer one.
 */
export const MAX_STOP_CHECKS = 10_000;

/** The stopping rule's parameters, bounded so no loop or view sized from them can run away. */
const StopRuleSchema = z.object({
  k: z.number().int().min(1).max(MAX_HEAD_CELLS),
  minOverlap: z.number().min(0).max(1),
  maxDeltaR: z.number().min(0).max(2),
  window: z.number().int().min(1).max(MAX_STOP_CHECKS),
  spacing: z.number().gt(1).max(1e6),
  minMasks: z.number().int().min(0).max(MAX_ATTRIBUTION_SAMPLES),
});

const StoppingSchema = z.object({
  rule: StopRuleSchema,
  masksUsed: z.number().int().min(1).max(MAX_ATTRIBUTION_SAMPLES),
  reason: z.enum(["converged", "samples"]),
  checks: z
    .array(
      z.object({
        masks: z.number().int().min(1).max(MAX_ATTRIBUTION_SAMPLES),
        heldOutR: correlation().nullable(),
        topKOverlap: z.number().min(0).max(1).nullable(),
      }),
    )
    .max(MAX_STOP_CHECKS),
});

/** A [layer][head] grid as read: bounded before its shape is checked against the geometry. */
const headGrid = <T extends z.ZodType>(cell: T) =>
  z.array(z.array(cell).max(MAX_HEADS)).max(MAX_LAYERS);

export const AttributionResultSchema = z
  .object({
    schema: z.literal(ATTRIBUTION_SCHEMA),
    model: ModelRefSchema,
    image: ImageRefSchema,
    question: z.string(),
    /** Prompt tokens (image positions shown as the image token), for token-level views. */
    promptTokens: z.array(z.string()).max(MAX_PROMPT_TOKENS),
    /** [start, end) of the image positions in the prompt. */
    imageTokenRange: z.tuple([count(), count()]),
    answer: z.object({ token: z.string(), id: count() }),
    target: TargetKindSchema,
    baseline: z.string(),
    settings: z.object({
      samples: z.number().int().min(1).max(MAX_ATTRIBUTION_SAMPLES),
      alpha: z.number().gt(0).lt(1),
      seed: z.number().int().min(0).max(0xffffffff),
      holdout: z.number().gt(0).lt(1),
      ridge: z.number().min(0).max(1e300),
      batchSize: z.number().int().min(1).max(MAX_ATTRIBUTION_SAMPLES),
      /** Optional: results written before the stopping rule existed ran every sample. */
      stop: z.enum(["auto", "off"]).optional(),
    }),
    layers: z.number().int(),
    heads: z.number().int(),
    /** scores[layer][head] = -w: the expected drop of the target when that head is ablated. */
    scores: headGrid(finite()),
    intercept: finite(),
    /**
     * Standard error of each score ([layer][head], coefficient-se.ts); null where undefined.
     * Optional: files written before it existed still open.
     */
    standardErrors: headGrid(z.number().min(0).max(1e300).nullable()).optional(),
    fit: z.object({
      /** Pearson r of predicted vs actual targets on held-out masks (null if undefined). */
      heldOutR: correlation().nullable(),
      trainMasks: count(),
      heldOutMasks: count(),
    }),
    /**
     * The masks per model run the attribution ended at, and why (batch-budget.ts: chosen
     * from the cache per row and the runtime's memory, or set; halved on out of memory).
     * Optional: files written before it existed state only settings.batchSize.
     */
    batch: z
      .object({
        size: z.number().int().min(1).max(MAX_ATTRIBUTION_SAMPLES),
        reason: z.string().max(2000),
      })
      .optional(),
    /** How a run with `stop: "auto"` ended (stop-rule.ts); absent when every sample ran. */
    stopping: StoppingSchema.optional(),
    clean: z.object({ target: finite(), top: TopTokensSchema }),
    timings: z.object({
      prefillMs: finite(),
      masksMs: finite(),
      fitMs: finite(),
      totalMs: finite(),
      masksPerSecond: finite(),
    }),
    runtime: z.string(),
    createdAt: z.string(),
  })
  .superRefine((result, context) => {
    const { layers, heads } = result;
    const geometry = checkHeadGeometry(layers, heads);
    if (geometry.length > 0) return report(context, geometry);
    if (result.model.layers !== layers || result.model.heads !== heads) {
      context.addIssue({
        code: "custom",
        path: ["model"],
        message: `the model has ${result.model.layers} x ${result.model.heads} heads but the scores are for ${layers} x ${heads}`,
      });
    }
    report(context, checkGrid(result.scores, layers, heads, ["scores"], "scores"));
    if (result.standardErrors) {
      report(
        context,
        checkGrid(result.standardErrors, layers, heads, ["standardErrors"], "standardErrors"),
      );
    }
    const [start, end] = result.imageTokenRange;
    if (start > end || end > result.promptTokens.length) {
      context.addIssue({
        code: "custom",
        path: ["imageTokenRange"],
        message: `the image tokens [${start}, ${end}) must lie inside the ${result.promptTokens.length} prompt tokens`,
      });
    }
    if (result.fit.trainMasks + result.fit.heldOutMasks > result.settings.samples) {
      context.addIssue({
        code: "custom",
        path: ["fit"],
        message: `the fit used more masks than the ${result.settings.samples} samples`,
      });
    }
    const { stopping } = result;
    if (stopping) {
      if (stopping.masksUsed > result.settings.samples) {
        context.addIssue({
          code: "custom",
          path: ["stopping", "masksUsed"],
          message: `${stopping.masksUsed} masks used is more than the ${result.settings.samples} samples`,
        });
      }
      if (result.fit.trainMasks + result.fit.heldOutMasks !== stopping.masksUsed) {
        context.addIssue({
          code: "custom",
          path: ["stopping", "masksUsed"],
          message: `the fit used ${result.fit.trainMasks + result.fit.heldOutMasks} masks, not the ${stopping.masksUsed} stated`,
        });
      }
      if (stopping.checks.some((check) => check.masks > stopping.masksUsed)) {
        context.addIssue({
          code: "custom",
          path: ["stopping", "checks"],
          message: `a check lies past the ${stopping.masksUsed} masks used`,
        });
      }
    }
  });

export type TokenScoreJson = z.infer<typeof TokenScoreSchema>;
export type ModelRef = z.infer<typeof ModelRefSchema>;
export type ImageRef = z.infer<typeof ImageRefSchema>;
export type AnswerResult = z.infer<typeof AnswerResultSchema>;
export type AblationResult = z.infer<typeof AblationResultSchema>;
export type AttributionResult = z.infer<typeof AttributionResultSchema>;

/** Parses an attribution JSON (e.g. a file the user opens), with a readable error. */
export function parseAttributionResult(value: unknown): AttributionResult {
  if (typeof value === "object" && value !== null && "schema" in value) {
    const tag = (value as { schema: unknown }).schema;
    if (tag !== ATTRIBUTION_SCHEMA) {
      throw new HeadflowError(
        "bad-argument",
        `not a HeadFlow attribution of a supported version: schema is ${JSON.stringify(tag)}, expected ${ATTRIBUTION_SCHEMA}`,
      );
    }
  }
  const parsed = AttributionResultSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new HeadflowError(
      "bad-argument",
      `not a valid HeadFlow attribution: ${first ? `${first.path.join(".")}: ${first.message}` : "unknown problem"}`,
    );
  }
  return parsed.data;
}
