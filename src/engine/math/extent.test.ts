/* eslint-disable no-restricted-syntax -- Math.min/max over a spread are the reference here */
import { describe, expect, it } from "vitest";
import { maxOf, minOf } from "./extent";
import { mulberry32 } from "./random";

/** Equal as numbers: NaN matches NaN, and 0 matches -0 (a loop does not order the two). */
const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

describe("minOf / maxOf", () => {
  it("answer as Math.min / Math.max on small arrays (NaN, infinities, none)", () => {
    const random = mulberry32(7);
    const cases: number[][] = [[], [0], [1, Number.NaN, 2], [Number.NaN], [Infinity, -Infinity]];
    for (let n = 1; n < 60; n++) {
      cases.push(
        Array.from({ length: n }, () => (random() - 0.5) * 10 ** Math.floor(random() * 6)),
      );
    }
    for (const values of cases) {
      expect(same(minOf(values), Math.min(...values)), `min of [${values}]`).toBe(true);
      expect(same(maxOf(values), Math.max(...values)), `max of [${values}]`).toBe(true);
    }
  });

  it("take a million values, where the spread overflows the stack", () => {
    const random = mulberry32(11);
    const values = Float64Array.from({ length: 1_000_000 }, () => random() * 2 - 1);
    expect(() => Math.max(...values)).toThrow(RangeError);
    // Independently: the ends of the sorted copy.
    const sorted = Float64Array.from(values).sort();
    expect(minOf(values)).toBe(sorted[0]);
    expect(maxOf(values)).toBe(sorted[sorted.length - 1]);
  });
});
