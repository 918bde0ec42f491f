/**
 * The JSON the engine produces (CLI stdout, `--out` files, browser exports). Each kind has
 * a versioned `schema` tag; a breaking change bumps the number. The browser UI validates
 * an opened file with these schemas, so they are the contract between front ends.
 */
import { z } from "zod";

export const ANSWER_SCHEMA = "headflow.answer/1";
export const ABLATION_SCHEMA = "headflow.ablation/1";
export const ATTRIBUTION_SCHEMA = "headflow.attribution/1";
export const BENCH_SCHEMA = "headflow.bench/1";

const TokenScoreSchema = z.object({
  id: z.number().int(),
  token: z.string(),
  probability: z.number(),
  logit: z.number(),
});

const ModelRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  layers: z.number().int(),
  heads: z.number().int(),
  /** Whether the bundle is a random-initialised (untrained) export. */
  randomInit: z.boolean().optional(),
  /** The training step the weights come from, when the exporter recorded it. */
  trainingStep: z.number().optional(),
});

const ImageRefSchema = z.object({
  name: z.string(),
  width: z.number().int(),
  height: z.number().int(),
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
  top: z.array(TokenScoreSchema),
});

const AblationSideSchema = z.object({
  target: z.number(),
  answer: z.string(),
  top: z.array(TokenScoreSchema),
});

export const AblationResultSchema = z.object({
  schema: z.literal(ABLATION_SCHEMA),
  model: ModelRefSchema,
  image: ImageRefSchema,
  question: z.string(),
  baseline: z.string(),
  /** Ablated heads, `L.H` 0-based. */
  heads: z.array(z.string()),
  target: z.object({ kind: TargetKindSchema, token: z.string(), id: z.number().int() }),
  clean: AblationSideSchema,
  ablated: AblationSideSchema,
});

export const AttributionResultSchema = z.object({
  schema: z.literal(ATTRIBUTION_SCHEMA),
  model: ModelRefSchema,
  image: ImageRefSchema,
  question: z.string(),
  /** Prompt tokens (image positions shown as the image token), for token-level views. */
  promptTokens: z.array(z.string()),
  imageTokenRange: z.tuple([z.number().int(), z.number().int()]),
  answer: z.object({ token: z.string(), id: z.number().int() }),
  target: TargetKindSchema,
  baseline: z.string(),
  settings: z.object({
    samples: z.number().int(),
    alpha: z.number(),
    seed: z.number().int(),
    holdout: z.number(),
    ridge: z.number(),
    batchSize: z.number().int(),
  }),
  layers: z.number().int(),
  heads: z.number().int(),
  /** scores[layer][head] = -w: the expected drop of the target when that head is ablated. */
  scores: z.array(z.array(z.number())),
  intercept: z.number(),
  /**
   * Standard error of each score ([layer][head], coefficient-se.ts); null where undefined.
   * Optional: files written before it existed still open.
   */
  standardErrors: z.array(z.array(z.number().nullable())).optional(),
  fit: z.object({
    /** Pearson r of predicted vs actual targets on held-out masks (null if undefined). */
    heldOutR: z.number().nullable(),
    trainMasks: z.number().int(),
    heldOutMasks: z.number().int(),
  }),
  clean: z.object({ target: z.number(), top: z.array(TokenScoreSchema) }),
  timings: z.object({
    prefillMs: z.number(),
    masksMs: z.number(),
    fitMs: z.number(),
    totalMs: z.number(),
    masksPerSecond: z.number(),
  }),
  runtime: z.string(),
  createdAt: z.string(),
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
      throw new Error(
        `not a HeadFlow attribution of a supported version: schema is ${JSON.stringify(tag)}, expected ${ATTRIBUTION_SCHEMA}`,
      );
    }
  }
  const parsed = AttributionResultSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(
      `not a valid HeadFlow attribution: ${first ? `${first.path.join(".")}: ${first.message}` : "unknown problem"}`,
    );
  }
  return parsed.data;
}
