/**
 * Ranks of per-head scores and how two rankings agree: Spearman's rho (Pearson on average
 * ranks, so ties are handled the standard way) and the overlap of the top-k heads. Rank 1
 * is the highest score, as in the heatmap's "most important first" reading.
 */
import { HeadflowError } from "../../errors";
import { pearson } from "../../math/stats";
import { orderByScore } from "../rankings/rankings";

function checkFinite(scores: ArrayLike<number>, what: string): void {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!)) {
      throw new HeadflowError("bad-argument", `${what}: score ${i} is not a finite number`);
    }
  }
}

/**
 * 1-based ranks, highest score first; tied scores share the mean of the ranks they span
 * (the "average" method, which makes Spearman's rho a Pearson correlation of ranks).
 */
export function averageRanks(scores: ArrayLike<number>, what = "scores"): Float64Array {
  checkFinite(scores, what);
  const order = orderByScore(scores);
  const ranks = new Float64Array(scores.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && scores[order[end]!] === scores[order[start]!]) end++;
    // Positions start..end-1 are ranks start+1..end; their mean is (start + 1 + end) / 2.
    const shared = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) ranks[order[i]!] = shared;
    start = end;
  }
  return ranks;
}

/** Spearman's rank correlation; NaN when either series is constant or shorter than 2. */
export function spearman(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  if (xs.length !== ys.length) {
    throw new HeadflowError(
      "bad-argument",
      `spearman: the series differ in length (${xs.length} and ${ys.length})`,
    );
  }
  return pearson(averageRanks(xs, "spearman x"), averageRanks(ys, "spearman y"));
}

/** k checked against the number of heads: 1..size. */
export function checkTopK(k: number, size: number): void {
  if (!Number.isInteger(k) || k < 1 || k > size) {
    throw new HeadflowError(
      "bad-argument",
      `top-k must be an integer in 1..${size} (the number of heads), got ${k}`,
    );
  }
}

/** The k highest-scoring head indices, highest first (ties to the lower index). */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  checkTopK(k, scores.length);
  checkFinite(scores, "top-k");
  return orderByScore(scores).slice(0, k);
}

/** The heads in both top-k lists (in a's order) and their share of k. */
export function topKOverlap(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  k: number,
): { shared: number[]; overlap: number } {
  if (a.length !== b.length) {
    throw new HeadflowError(
      "bad-argument",
      `top-k overlap: the rankings have ${a.length} and ${b.length} heads`,
    );
  }
  const inB = new Set(topK(b, k));
  const shared = topK(a, k).filter((index) => inB.has(index));
  return { shared, overlap: shared.length / k };
}

/** A correlation as JSON: null where it is undefined (a constant series). */
export function correlationOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
