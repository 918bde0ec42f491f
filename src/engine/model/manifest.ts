/**
 * The HeadFlow manifest (`headflow.json`) and the parts of `config.json` the engine reads.
 * docs/BUNDLE.md is the contract; these schemas check a bundle against it on load.
 */
import { z } from "zod";
import { HeadflowError } from "../errors";
import { checkHeadGeometry, MAX_HEADS, MAX_LAYERS, MAX_PATCH_GRID_SIDE } from "../results/limits";

const positiveInt = z.number().int().positive();
const tokenId = z.number().int().nonnegative();
const rgb = z.tuple([z.number(), z.number(), z.number()]);

export const QuestionTypeSchema = z.object({
  id: z.string().min(1),
  template: z.string().min(1),
  /** `categories`, or an explicit list of answer words. */
  answers: z.union([z.literal("categories"), z.array(z.string().min(1))]),
});

export const ManifestSchema = z.object({
  schema: z.literal("headflow.manifest/1"),
  id: z.string().min(1),
  name: z.string(),
  layers: positiveInt.max(MAX_LAYERS),
  heads: positiveInt.max(MAX_HEADS),
  headDim: positiveInt,
  hiddenSize: positiveInt,
  vocabSize: positiveInt,
  image: z.object({
    size: positiveInt,
    patchSize: positiveInt,
    grid: z.tuple([positiveInt.max(MAX_PATCH_GRID_SIDE), positiveInt.max(MAX_PATCH_GRID_SIDE)]),
    tokens: positiveInt,
    mean: rgb,
    std: rgb,
  }),
  imageTokenId: tokenId,
  bosTokenId: tokenId.nullable(),
  eosTokenId: tokenId,
  padTokenId: tokenId,
  unkTokenId: tokenId,
  chatTemplate: z.string().includes("<image>").includes("{question}"),
  roleTokens: z.array(z.string()),
  questions: z.array(QuestionTypeSchema).min(1),
  categories: z.array(z.string().min(1)),
  styles: z.array(z.string()),
  reference: z.array(z.string().min(1)),
  graphs: z.object({
    vision: z.string().min(1),
    embed: z.string().min(1),
    decoder: z.string().min(1),
    analysis: z.string().min(1).optional(),
  }),
  /** Provenance written by the exporter (training step, whether the weights are random). */
  training: z
    .object({ step: z.number().optional(), random_init: z.boolean().optional() })
    .optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type QuestionType = z.infer<typeof QuestionTypeSchema>;

/** The fields of the HF-style `config.json` the engine needs beyond the manifest. */
export const ModelConfigSchema = z.object({
  text_config: z.object({
    max_position_embeddings: positiveInt,
    num_hidden_layers: positiveInt.optional(),
    num_attention_heads: positiveInt.optional(),
    intermediate_size: positiveInt.optional(),
  }),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** Validates parsed JSON against a schema, reporting every problem with its field path. */
export function validateBundleJson<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
  throw new HeadflowError("bad-model", `model file ${path} is invalid: ${problems}`);
}

/** Cross-checks that the manifest agrees with itself and with config.json. */
export function checkManifest(manifest: Manifest, config: ModelConfig): void {
  const fail = (message: string) => {
    throw new HeadflowError("bad-model", `model file headflow.json is invalid: ${message}`);
  };
  // Results are read back within these limits (results/limits.ts); a model beyond them
  // would write results no front end opens.
  for (const issue of checkHeadGeometry(manifest.layers, manifest.heads)) fail(issue.message);
  const { image } = manifest;
  if (image.grid[0] * image.grid[1] !== image.tokens) {
    fail(`image.grid ${image.grid.join("x")} does not give image.tokens ${image.tokens}`);
  }
  const text = config.text_config;
  if (text.num_hidden_layers !== undefined && text.num_hidden_layers !== manifest.layers) {
    fail(`layers ${manifest.layers} differs from config.json's ${text.num_hidden_layers}`);
  }
  if (text.num_attention_heads !== undefined && text.num_attention_heads !== manifest.heads) {
    fail(`heads ${manifest.heads} differs from config.json's ${text.num_attention_heads}`);
  }
}
