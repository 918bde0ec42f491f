import { describe, expect, it } from "vitest";
import { mulberry32 } from "../math/random";
import { pearson } from "../math/stats";
import { HeldOutStats } from "./held-out";
import { MaskSampler } from "./masks";

describe("HeldOutStats", () => {
  it("gives the Pearson r of the predictions computed mask by mask", () => {
    const size = 20;
    const random = mulberry32(5);
    const weights = Float64Array.from({ length: size }, () => random() - 0.5);
    const sampler = new MaskSampler(size, 0.1, 9);
    const stats = new HeldOutStats(size);
    const predicted: number[] = [];
    const targets: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const mask = sampler.next(1);
      // Targets far from zero (as answer logits are), so sums that did not centre would
      // lose the variance to cancellation.
      const y = 1e4 + 3 * mask[0]! - 2 * mask[5]! + (random() - 0.5);
      let p = 0.7; // an intercept r must ignore
      for (let k = 0; k < size; k++) p += weights[k]! * mask[k]!;
      stats.add(mask, y);
      predicted.push(p);
      targets.push(y);
    }
    const expected = pearson(predicted, targets);
    expect(Math.abs(stats.correlation(weights) - expected)).toBeLessThan(1e-9);
    expect(stats.count).toBe(3000);
  });

  it("is undefined for constant predictions or targets and for fewer than two masks", () => {
    const stats = new HeldOutStats(3);
    expect(stats.correlation([1, 2, 3])).toBeNaN();
    stats.add([1, 0, 0], 2);
    stats.add([0, 1, 0], 2);
    stats.add([0, 0, 1], 2);
    expect(stats.correlation([1, 2, 3])).toBeNaN(); // targets do not vary
    const varying = new HeldOutStats(3);
    varying.add([1, 0, 0], 1);
    varying.add([0, 1, 0], 2);
    varying.add([0, 0, 1], 3);
    expect(varying.correlation([0, 0, 0])).toBeNaN(); // predictions do not vary
    expect(varying.correlation([1, 1, 1])).toBeNaN();
    expect(varying.correlation([1, 2, 3])).toBeCloseTo(1, 12);
    expect(varying.correlation([3, 2, 1])).toBeCloseTo(-1, 12);
  });
});
