/**
 * Test support: the largest absolute difference between two equally long arrays, for the
 * parity tests' tolerances. The lengths are asserted first, so a short result fails
 * instead of comparing a prefix. Uses vitest's expect: import it from tests only.
 */
import { expect } from "vitest";

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
