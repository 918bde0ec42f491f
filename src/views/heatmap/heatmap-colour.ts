/**
 * The heatmap's colours: a diverging red-blue scale centred on 0 and symmetric around it,
 * so that the same colour strength means the same |score| on both sides. Positive (the
 * target drops when the head is ablated) is red, negative is blue.
 */
import { interpolateRdBu, scaleDiverging, type ScaleDiverging } from "d3";

/**
 * Cells whose score is not computed yet are hatched in these two greys, so that "pending"
 * never looks like "close to 0" (which is near white).
 */
export const PENDING_BACKGROUND = "#eceef2";
export const PENDING_STRIPE = "#c9ced8";

export type ColourScale = ScaleDiverging<string>;

/** The largest |score| among the computed (finite) scores; 0 when none is computed. */
export function maxAbsScore(scores: ArrayLike<number>): number {
  let max = 0;
  for (let index = 0; index < scores.length; index++) {
    const score = scores[index]!;
    if (Number.isFinite(score) && Math.abs(score) > max) max = Math.abs(score);
  }
  return max;
}

/**
 * A scale over [-extent, 0, +extent]. With nothing computed yet (extent 0) the domain is
 * [-1, 1] so the legend still draws; all cells are then "not computed" anyway.
 */
export function divergingScale(extent: number): ColourScale {
  const half = extent > 0 && Number.isFinite(extent) ? extent : 1;
  // RdBu runs red -> blue; reversed, high (positive) scores are red.
  return scaleDiverging<string>((t) => interpolateRdBu(1 - t)).domain([-half, 0, half]);
}

/** The colour for a score, or null when it is not computed yet (drawn as a hatch). */
export function fillFor(scale: ColourScale, score: number): string | null {
  return Number.isFinite(score) ? scale(score) : null;
}
