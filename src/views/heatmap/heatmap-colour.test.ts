import { color, lab } from "d3";
import { describe, expect, it } from "vitest";
import { divergingScale, fillFor, maxAbsScore } from "./heatmap-colour";

function rgb(fill: string) {
  const parsed = color(fill)?.rgb();
  if (parsed === undefined) throw new Error(`not a colour: ${fill}`);
  return parsed;
}

describe("heatmap colours", () => {
  it("finds the largest |score| and ignores scores not computed yet", () => {
    expect(maxAbsScore([0.2, Number.NaN, -0.7, 0.5])).toBe(0.7);
    expect(maxAbsScore(new Float64Array([Number.NaN, Number.NaN]))).toBe(0);
    expect(maxAbsScore([Infinity, 1])).toBe(1);
  });

  it("is symmetric around 0 by the largest |score|", () => {
    const scale = divergingScale(0.7);
    expect(scale.domain()).toEqual([-0.7, 0, 0.7]);
  });

  it("draws positive scores red, negative blue and zero near white", () => {
    const scale = divergingScale(2);
    const positive = rgb(scale(2));
    const negative = rgb(scale(-2));
    const zero = rgb(scale(0));
    expect(positive.r).toBeGreaterThan(positive.b + 50);
    expect(negative.b).toBeGreaterThan(negative.r + 50);
    expect(Math.min(zero.r, zero.g, zero.b)).toBeGreaterThan(230);
  });

  it("gives equal and opposite scores equally strong colours, stronger with |score|", () => {
    const scale = divergingScale(1);
    let previousLightness = 101;
    for (const magnitude of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
      const red = lab(scale(magnitude)).l;
      const blue = lab(scale(-magnitude)).l;
      // RdBu is built to be symmetric in lightness; a few units of L* are not visible.
      expect(Math.abs(red - blue)).toBeLessThan(4);
      expect(red).toBeLessThan(previousLightness);
      previousLightness = red;
    }
  });

  it("still has a usable scale when nothing is computed", () => {
    expect(divergingScale(0).domain()).toEqual([-1, 0, 1]);
    expect(divergingScale(Number.NaN).domain()).toEqual([-1, 0, 1]);
  });

  it("gives scores not computed yet no colour (they are drawn as 'pending')", () => {
    const scale = divergingScale(1);
    expect(fillFor(scale, Number.NaN)).toBeNull();
    expect(fillFor(scale, 0)).toBe(scale(0));
  });
});
