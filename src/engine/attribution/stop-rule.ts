/**
 * The optional stopping rule of an attribution: end sampling once the answer has stopped
 * changing. At each check of the fit schedule (fit-schedule.ts: mask counts spaced
 * `spacing` times apart) the fit so far is compared with the one at the previous check:
 *
 *   stable(check) = top-k overlap >= minOverlap  and  |held-out r - previous r| <= maxDeltaR
 *
 * where the top-k overlap is the share of the k highest-scoring heads the two fits have in
 * common. The run stops at the first check with at least `minMasks` masks whose last
 * `window` checks were all stable. Because the checks are spaced geometrically, `window`
 * stable checks mean the top-k set and r held while the masks grew spacing^window-fold
 * (1.25^2: the last 36% of the masks), a span that grows with the run, unlike a fixed
 * number of masks, which later in a run says ever less. Everything here is a function of
 * the fits at fixed mask counts, so a seed gives the same stopping point every time.
 *
 * The default rule and why the mode is off by default: docs/measurements/stop-rule.json
 * (scripts/stop-rule.ts) and src/engine/attribution/README.md.
 */

export interface StopRule {
  /** Heads in the compared top set (fewer when the model has fewer heads). */
  k: number;
  /** Least share of the top-k heads two consecutive checks must have in common. */
  minOverlap: number;
  /** Largest change of the held-out r between consecutive checks. */
  maxDeltaR: number;
  /** Consecutive stable checks needed to stop. */
  window: number;
  /** Each check's mask count over the previous one's. */
  spacing: number;
  /** No stop before this many masks. */
  minMasks: number;
}

export type StopMode = "auto" | "off";

/**
 * The rule `--stop auto` applies: of 108 candidates, the one saving the most masks on the
 * bundled samples whose stopped runs stay as close to an independent long run as full
 * runs do (docs/measurements/stop-rule.json).
 */
export const DEFAULT_STOP_RULE: StopRule = {
  k: 10,
  minOverlap: 1,
  maxDeltaR: 0.01,
  window: 2,
  spacing: 1.25,
  minMasks: 200,
};

/** One check of a run: its mask count, held-out r, and overlap with the previous check. */
export interface ConvergenceCheck {
  masks: number;
  heldOutR: number | null;
  /** Share of the top-k heads shared with the previous check (null at the first). */
  topKOverlap: number | null;
}

/** Indices of the k largest values, ties to the lower index. */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, Math.min(k, scores.length));
}

/** Share of the top-k heads of `a` that are also in the top-k of `b`. */
export function topKOverlap(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  const top = topK(a, k);
  const other = new Set(topK(b, k));
  return top.length === 0 ? 1 : top.filter((index) => other.has(index)).length / top.length;
}

/** Follows the checks of one run and says when the rule is met. */
export class ConvergenceTracker {
  readonly rule: StopRule;
  readonly checks: ConvergenceCheck[] = [];
  private previous: { scores: Float64Array; heldOutR: number | null } | null = null;
  private stableRun = 0;

  constructor(rule: StopRule) {
    this.rule = rule;
  }

  /** Records the fit at a check; true when the run may stop here. */
  check(masks: number, scores: ArrayLike<number>, heldOutR: number | null): boolean {
    const { k, minOverlap, maxDeltaR, window, minMasks } = this.rule;
    const previous = this.previous;
    const overlap = previous ? topKOverlap(scores, previous.scores, k) : null;
    this.checks.push({ masks, heldOutR, topKOverlap: overlap });
    const stable =
      previous !== null &&
      overlap !== null &&
      overlap >= minOverlap &&
      heldOutR !== null &&
      previous.heldOutR !== null &&
      Math.abs(heldOutR - previous.heldOutR) <= maxDeltaR;
    this.stableRun = stable ? this.stableRun + 1 : 0;
    this.previous = { scores: Float64Array.from(scores), heldOutR };
    return this.stableRun >= window && masks >= minMasks;
  }
}
