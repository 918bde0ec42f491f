/**
 * Baseline sensitivity: how much a head ranking depends on what an ablated head reads
 * instead of the image (mean of reference images, blank gray, another image). The same
 * masks (same seed and settings) are run under each baseline, so only the baseline
 * differs; for every pair of baselines the ranking's agreement is measured (Spearman's
 * rho, Pearson's r of the scores, the overlap of the top-k heads), and every head's rank
 * under each baseline is listed with its spread (largest rank - smallest rank).
 */
import { formatHead } from "../../ablation/heads";
import { HeadflowError } from "../../errors";
import { maxOf, minOf } from "../../math/extent";
import { pearson } from "../../math/stats";
import type { AttributionResult } from "../../results/attribution-results";
import { baselineMismatch } from "./baseline-match";
import { averageRanks, checkTopK, correlationOrNull, spearman, topKOverlap } from "./ranks";
import { BASELINES_SCHEMA, type BaselinesResult } from "./trust-results";

/** Top-k of the overlap when none is asked for: 10 heads, or all of a smaller model. */
export const DEFAULT_TOP_K = 10;

export function defaultTopK(size: number): number {
  return Math.min(DEFAULT_TOP_K, size);
}

/** Compares attributions of one image, question and mask set under different baselines. */
export function compareBaselines(
  attributions: AttributionResult[],
  k?: number,
  createdAt = new Date().toISOString(),
): BaselinesResult {
  const mismatch = baselineMismatch(attributions);
  if (mismatch !== null) throw new HeadflowError("bad-argument", mismatch);
  const { layers, heads } = attributions[0]!;
  const size = layers * heads;
  const topK = k ?? defaultTopK(size);
  checkTopK(topK, size);
  const scores = attributions.map((a) => Float64Array.from(a.scores.flat()));
  const ranks = scores.map((s, i) => averageRanks(s, `scores under ${attributions[i]!.baseline}`));
  const name = (index: number) =>
    formatHead({ layer: Math.floor(index / heads), head: index % heads });

  const pairs: BaselinesResult["pairs"] = [];
  for (let a = 0; a < attributions.length; a++) {
    for (let b = a + 1; b < attributions.length; b++) {
      const { shared, overlap } = topKOverlap(scores[a]!, scores[b]!, topK);
      pairs.push({
        a: attributions[a]!.baseline,
        b: attributions[b]!.baseline,
        spearman: correlationOrNull(spearman(scores[a]!, scores[b]!)),
        pearson: correlationOrNull(pearson(scores[a]!, scores[b]!)),
        topKOverlap: overlap,
        shared: shared.map(name),
      });
    }
  }
  const perHead = Array.from({ length: size }, (_, index) => {
    const headRanks = ranks.map((r) => r[index]!);
    return {
      name: name(index),
      layer: Math.floor(index / heads),
      head: index % heads,
      ranks: headRanks,
      scores: scores.map((s) => s[index]!),
      rankSpread: maxOf(headRanks) - minOf(headRanks),
    };
  });
  // Most-moved first; equal spreads in layer-major order.
  perHead.sort((x, y) => y.rankSpread - x.rankSpread || x.layer - y.layer || x.head - y.head);
  return {
    schema: BASELINES_SCHEMA,
    baselines: attributions.map((a) => a.baseline),
    topK,
    pairs,
    heads: perHead,
    attributions,
    createdAt,
  };
}
