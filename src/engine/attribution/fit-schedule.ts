/**
 * When a streaming attribution refits: at checks spaced geometrically in the number of
 * masks (each `spacing` times the last), from the first count with more training masks
 * than heads, and between checks at least every 1/REFRESH_PARTS of the run so a long run's
 * live estimate keeps moving. A run of N masks therefore refits about
 * log(N / heads) / log(spacing) + REFRESH_PARTS times, not once per chunk: one refit
 * solves a (heads + 1)^2 system, which at thousands of heads takes seconds.
 *
 * The checks are also where the stopping rule (stop-rule.ts) looks at the fit: a fixed
 * function of (heads, holdout, samples, spacing), so where a run stops does not depend on
 * how its masks were split into model runs.
 */
export const REFRESH_PARTS = 32;

/** The smallest mask count whose training masks outnumber the heads (isHeldOut's split). */
export function firstCheck(size: number, holdout: number): number {
  // Held-out masks among the first c: floor(c * holdout) (masks.ts, isHeldOut).
  let count = size + 1;
  while (count - Math.floor(count * holdout) <= size) count++;
  return count;
}

export class FitSchedule {
  /** The check counts, ascending, up to and including the run's last mask. */
  readonly checks: readonly number[];
  private readonly refreshStep: number;
  private readonly samples: number;
  private next = 0;
  private lastFit = 0;

  constructor(size: number, holdout: number, samples: number, spacing: number) {
    if (!(spacing > 1)) throw new Error(`FitSchedule: spacing must exceed 1 (got ${spacing})`);
    const checks: number[] = [];
    for (
      let count = firstCheck(size, holdout);
      count < samples;
      count = Math.max(count + 1, Math.ceil(count * spacing))
    ) {
      checks.push(count);
    }
    checks.push(samples);
    this.checks = checks;
    this.samples = samples;
    this.refreshStep = Math.max(1, Math.ceil(samples / REFRESH_PARTS));
  }

  /** Whether `count` masks is a check. */
  isCheck(count: number): boolean {
    return binarySearch(this.checks, count) >= 0;
  }

  /** The first check after `count` masks (the run's size if none is left). */
  checkAfter(count: number): number {
    const found = binarySearch(this.checks, count);
    const index = found >= 0 ? found + 1 : -found - 1;
    return this.checks[index] ?? this.samples;
  }

  /**
   * Whether to refit now that `received` masks have arrived (called once per batch, with
   * a growing count): at or past the next check, or a refresh step after the last refit.
   */
  due(received: number): boolean {
    const first = this.checks[0]!;
    if (received < first) return false;
    const atCheck = received >= (this.checks[this.next] ?? Infinity);
    if (!atCheck && received - this.lastFit < this.refreshStep) return false;
    while ((this.checks[this.next] ?? Infinity) <= received) this.next++;
    this.lastFit = received;
    return true;
  }
}

/** Index of `value` in an ascending list, or -(insertion point) - 1. */
function binarySearch(list: readonly number[], value: number): number {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const item = list[middle]!;
    if (item === value) return middle;
    if (item < value) low = middle + 1;
    else high = middle - 1;
  }
  return -low - 1;
}
