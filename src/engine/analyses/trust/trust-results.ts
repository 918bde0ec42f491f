/**
 * The JSON of the trust views, as `headflow attribute --baselines` and `headflow compare`
 * print it and the browser exports and imports it: `headflow.baselines/1` (one run under
 * several baselines) and `headflow.compare/1` (two results side by side). Bounded like
 * every result (../../results/limits.ts), so an opened file cannot make the views
 * allocate without limit.
 */
import { z } from "zod";
import { HeadflowError } from "../../errors";
import { AttributionResultSchema } from "../../results/attribution-results";
import {
  MAX_HEAD_CELLS,
  MAX_HEADS,
  MAX_LAYERS,
  checkGrid,
  checkHeadGeometry,
  checkLength,
  correlation,
  finite,
  probability,
  report,
} from "../../results/limits";
import { MAX_BASELINES, baselineMismatch } from "./baseline-match";

export const BASELINES_SCHEMA = "headflow.baselines/1";
export const COMPARE_SCHEMA = "headflow.compare/1";

const HEAD_NAME = /^\d{1,3}\.\d{1,3}$/;
const headName = () => z.string().regex(HEAD_NAME);
/** A rank among at most MAX_HEAD_CELLS heads (ties share a half rank). */
const rank = () => z.number().min(1).max(MAX_HEAD_CELLS);
const layerIndex = () =>
  z
    .number()
    .int()
    .min(0)
    .max(MAX_LAYERS - 1);
const headIndex = () =>
  z
    .number()
    .int()
    .min(0)
    .max(MAX_HEADS - 1);
const grid = () => z.array(z.array(finite()).max(MAX_HEADS)).max(MAX_LAYERS);
const topK = () => z.number().int().min(1).max(MAX_HEAD_CELLS);

export const BaselinesResultSchema = z
  .object({
    schema: z.literal(BASELINES_SCHEMA),
    baselines: z.array(z.string().max(1000)).min(2).max(MAX_BASELINES),
    topK: topK(),
    pairs: z
      .array(
        z.object({
          a: z.string().max(1000),
          b: z.string().max(1000),
          spearman: correlation().nullable(),
          pearson: correlation().nullable(),
          topKOverlap: probability(),
          shared: z.array(headName()).max(MAX_HEAD_CELLS),
        }),
      )
      .max((MAX_BASELINES * (MAX_BASELINES - 1)) / 2),
    /** Every head, the most-moved first. */
    heads: z
      .array(
        z.object({
          name: headName(),
          layer: layerIndex(),
          head: headIndex(),
          ranks: z.array(rank()).max(MAX_BASELINES),
          scores: z.array(finite()).max(MAX_BASELINES),
          rankSpread: z.number().min(0).max(MAX_HEAD_CELLS),
        }),
      )
      .max(MAX_HEAD_CELLS),
    attributions: z.array(AttributionResultSchema).min(2).max(MAX_BASELINES),
    createdAt: z.string().max(100),
  })
  .superRefine((result, context) => {
    const mismatch = baselineMismatch(result.attributions);
    if (mismatch !== null) return report(context, [{ path: ["attributions"], message: mismatch }]);
    const { layers, heads } = result.attributions[0]!;
    const n = result.attributions.length;
    const labels = result.attributions.map((a) => a.baseline);
    if (result.baselines.join("\n") !== labels.join("\n")) {
      report(context, [
        {
          path: ["baselines"],
          message: "the baselines must name the attributions' baselines in order",
        },
      ]);
    }
    if (result.topK > layers * heads) {
      report(context, [{ path: ["topK"], message: `top-k exceeds the ${layers * heads} heads` }]);
    }
    report(context, checkLength(result.pairs, (n * (n - 1)) / 2, ["pairs"], "pairs"));
    report(context, checkLength(result.heads, layers * heads, ["heads"], "heads"));
    result.heads.forEach((head, i) =>
      report(context, [
        ...checkLength(head.ranks, n, ["heads", i, "ranks"], "ranks"),
        ...checkLength(head.scores, n, ["heads", i, "scores"], "scores"),
      ]),
    );
  });

const CompareSideSchema = z.object({
  kind: z.enum(["attribution", "sets"]),
  model: z.object({ id: z.string().max(1000), name: z.string().max(1000) }),
  image: z.string().max(1000).nullable(),
  set: z.string().max(1000).nullable(),
  question: z.string().max(10_000),
  baseline: z.string().max(1000),
  target: z.string().max(100),
  layers: z.number().int(),
  heads: z.number().int(),
  scores: grid(),
  top: z
    .array(
      z.object({
        name: headName(),
        layer: layerIndex(),
        head: headIndex(),
        depth: z.number().min(0).lt(1),
        score: finite(),
      }),
    )
    .max(MAX_HEAD_CELLS),
  topDepthMean: z.number().min(0).lt(1),
});

export const CompareResultSchema = z
  .object({
    schema: z.literal(COMPARE_SCHEMA),
    topK: topK(),
    a: CompareSideSchema,
    b: CompareSideSchema,
    sameGrid: z.boolean(),
    sameModel: z.boolean(),
    topKOverlap: probability().nullable(),
    shared: z.array(headName()).max(MAX_HEAD_CELLS).nullable(),
    spearman: correlation().nullable(),
    pearson: correlation().nullable(),
    difference: grid().nullable(),
    maxAbsDifference: z.number().min(0).max(1e300).nullable(),
    createdAt: z.string().max(100),
  })
  .superRefine((result, context) => {
    for (const key of ["a", "b"] as const) {
      const side = result[key];
      const geometry = checkHeadGeometry(side.layers, side.heads, [key]);
      if (geometry.length > 0) return report(context, geometry);
      report(context, checkGrid(side.scores, side.layers, side.heads, [key, "scores"], "scores"));
      report(context, checkLength(side.top, result.topK, [key, "top"], "top"));
    }
    const sameGrid = result.a.layers === result.b.layers && result.a.heads === result.b.heads;
    if (sameGrid !== result.sameGrid) {
      report(context, [{ path: ["sameGrid"], message: "sameGrid does not match the two grids" }]);
    }
    if (result.difference !== null) {
      if (!sameGrid) {
        report(context, [
          { path: ["difference"], message: "a difference map needs matching grids" },
        ]);
      } else {
        report(
          context,
          checkGrid(
            result.difference,
            result.a.layers,
            result.a.heads,
            ["difference"],
            "difference",
          ),
        );
      }
    }
  });

export type BaselinesResult = z.infer<typeof BaselinesResultSchema>;
export type CompareResult = z.infer<typeof CompareResultSchema>;
export type CompareSide = z.infer<typeof CompareSideSchema>;

function parseWith<T>(schema: z.ZodType<T>, tag: string, value: unknown): T {
  const found =
    typeof value === "object" && value !== null && "schema" in value
      ? (value as { schema: unknown }).schema
      : undefined;
  if (found !== tag) {
    throw new HeadflowError(
      "bad-argument",
      `not a HeadFlow ${tag} result: schema is ${JSON.stringify(found)}, expected ${tag}`,
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new HeadflowError(
      "bad-argument",
      `not a valid ${tag} result: ${first ? `${first.path.join(".")}: ${first.message}` : "unknown problem"}`,
    );
  }
  return parsed.data;
}

export function parseBaselinesResult(value: unknown): BaselinesResult {
  return parseWith(BaselinesResultSchema, BASELINES_SCHEMA, value);
}

export function parseCompareResult(value: unknown): CompareResult {
  return parseWith(CompareResultSchema, COMPARE_SCHEMA, value);
}
