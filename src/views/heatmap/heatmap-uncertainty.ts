/**
 * The heatmap's uncertainty cue: a head whose |score| is under two standard errors is not
 * clearly different from 0 (about a 95% interval around the score covers 0), so its cell
 * is drawn faded, and the tooltip says so.
 */

/** How many standard errors a score must exceed to count as clearly non-zero. */
export const UNCERTAIN_Z = 2;
/** The fill opacity of a faded (uncertain) cell: its colour stays readable but recedes. */
export const UNCERTAIN_OPACITY = 0.3;

/** Whether a score is within UNCERTAIN_Z standard errors of 0 (false when either is unknown). */
export function isUncertain(score: number, standardError: number | undefined): boolean {
  if (!Number.isFinite(score) || standardError === undefined) return false;
  if (!Number.isFinite(standardError)) return false;
  return Math.abs(score) < UNCERTAIN_Z * standardError;
}
