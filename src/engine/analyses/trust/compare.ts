/**
 * Two head-score results side by side (two models, two images or two questions): an
 * attribution, or one set of a sets result (its mean map). Models of different depth are
 * put on one axis by relative depth, layer / layers (0 = first layer). Where the grids
 * match (same layers x heads), the heads are also compared one by one: the overlap of the
 * top-k heads, Spearman's rho and Pearson's r of the scores, and the difference map
 * b - a. Across two models with the same grid, "head 3.2" names a head at the same place,
 * not the same head, and the result says so (`sameModel`).
 */
import { formatHead } from "../../ablation/heads";
import { HeadflowError } from "../../errors";
import { pearson } from "../../math/stats";
import type { SetsResult } from "../../results/analysis-results";
import type { AttributionResult } from "../../results/attribution-results";
import { headGrid } from "../labels";
import { defaultTopK } from "./baseline-sensitivity";
import { checkTopK, correlationOrNull, spearman, topK as topHeads, topKOverlap } from "./ranks";
import { COMPARE_SCHEMA, type CompareResult, type CompareSide } from "./trust-results";

/** What a side of a comparison may be: an attribution, or a sets result and which set. */
export type ComparedInput =
  | { kind: "attribution"; result: AttributionResult }
  | { kind: "sets"; result: SetsResult; set?: string };

/** Relative depth of a layer: layer / layers. */
export function relativeDepth(layer: number, layers: number): number {
  return layer / layers;
}

/**
 * The sets result's map: the named set's mean, or the only set's, or (several sets, none
 * named) the mean of every image's scores.
 */
function setsScores(result: SetsResult, set: string | undefined): { name: string; flat: number[] } {
  if (set !== undefined) {
    const found = result.sets.find((s) => s.name === set);
    if (!found) {
      const names = result.sets.map((s) => s.name).join(", ");
      throw new HeadflowError(
        "bad-argument",
        `the sets result has no set "${set}" (sets: ${names})`,
      );
    }
    return { name: found.name, flat: found.mean.flat() };
  }
  if (result.sets.length === 1)
    return { name: result.sets[0]!.name, flat: result.sets[0]!.mean.flat() };
  if (result.images.length === 0) {
    throw new HeadflowError("bad-argument", "the sets result holds no images to compare");
  }
  const size = result.layers * result.heads;
  const sum = new Float64Array(size);
  for (const image of result.images) image.scores.flat().forEach((v, i) => (sum[i]! += v));
  return {
    name: `all ${result.images.length} images`,
    flat: Array.from(sum, (v) => v / result.images.length),
  };
}

/** One side: its scores, labels and top-k heads with their relative depth. */
export function compareSide(input: ComparedInput, k: number): CompareSide {
  const { result } = input;
  const { layers, heads } = result;
  const common = {
    model: { id: result.model.id, name: result.model.name },
    question: result.question,
    baseline: result.baseline,
    target: result.target,
    layers,
    heads,
  };
  let flat: number[];
  let side: Omit<CompareSide, "scores" | "top" | "topDepthMean" | keyof typeof common>;
  if (input.kind === "attribution") {
    flat = input.result.scores.flat();
    side = { kind: "attribution", image: input.result.image.name, set: null };
  } else {
    const chosen = setsScores(input.result, input.set);
    flat = chosen.flat;
    side = { kind: "sets", image: null, set: chosen.name };
  }
  checkTopK(k, flat.length);
  const top = topHeads(flat, k).map((index) => {
    const layer = Math.floor(index / heads);
    const head = index % heads;
    return {
      name: formatHead({ layer, head }),
      layer,
      head,
      depth: relativeDepth(layer, layers),
      score: flat[index]!,
    };
  });
  return {
    ...side,
    ...common,
    scores: headGrid(flat, layers, heads),
    top,
    topDepthMean: top.reduce((sum, t) => sum + t.depth, 0) / top.length,
  };
}

export function compareResults(
  a: ComparedInput,
  b: ComparedInput,
  k?: number,
  createdAt = new Date().toISOString(),
): CompareResult {
  const smaller = Math.min(a.result.layers * a.result.heads, b.result.layers * b.result.heads);
  const topK = k ?? defaultTopK(smaller);
  checkTopK(topK, smaller);
  const sideA = compareSide(a, topK);
  const sideB = compareSide(b, topK);
  const sameGrid = sideA.layers === sideB.layers && sideA.heads === sideB.heads;
  let headByHead: Pick<
    CompareResult,
    "topKOverlap" | "shared" | "spearman" | "pearson" | "difference" | "maxAbsDifference"
  > = {
    topKOverlap: null,
    shared: null,
    spearman: null,
    pearson: null,
    difference: null,
    maxAbsDifference: null,
  };
  if (sameGrid) {
    const xs = sideA.scores.flat();
    const ys = sideB.scores.flat();
    const { shared, overlap } = topKOverlap(xs, ys, topK);
    const difference = ys.map((y, i) => y - xs[i]!);
    headByHead = {
      topKOverlap: overlap,
      shared: shared.map((index) =>
        formatHead({ layer: Math.floor(index / sideA.heads), head: index % sideA.heads }),
      ),
      spearman: correlationOrNull(spearman(xs, ys)),
      pearson: correlationOrNull(pearson(xs, ys)),
      difference: headGrid(difference, sideA.layers, sideA.heads),
      maxAbsDifference: difference.reduce((m, d) => Math.max(m, Math.abs(d)), 0),
    };
  }
  return {
    schema: COMPARE_SCHEMA,
    topK,
    a: sideA,
    b: sideB,
    sameGrid,
    sameModel: sideA.model.id === sideB.model.id,
    ...headByHead,
    createdAt,
  };
}
