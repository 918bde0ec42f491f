import { describe, expect, it } from "vitest";
import { coefficientStandardErrors } from "./coefficient-se";
import { isHeldOut, maskRow, sampleMasks, type MaskSet } from "./masks";
import { mulberry32 } from "../math/random";
import { RidgeAccumulator } from "./ridge";

/** A standard normal draw (Box-Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** The fitted weights on the training masks, the way attributeHeads fits them. */
function fitWeights(masks: MaskSet, targets: Float64Array, ridge: number, holdout: number) {
  const accumulator = new RidgeAccumulator(masks.size);
  for (let i = 0; i < masks.count; i++) {
    if (!isHeldOut(i, holdout)) accumulator.add(maskRow(masks, i), targets[i]!);
  }
  return accumulator.solve(ridge).weights;
}

function standardDeviations(samples: Float64Array[]): Float64Array {
  const size = samples[0]!.length;
  return Float64Array.from({ length: size }, (_, k) => {
    const mean = samples.reduce((sum, sample) => sum + sample[k]!, 0) / samples.length;
    const squares = samples.reduce((sum, sample) => sum + (sample[k]! - mean) ** 2, 0);
    return Math.sqrt(squares / (samples.length - 1));
  });
}

function meanOf(samples: Float64Array[]): Float64Array {
  const size = samples[0]!.length;
  return Float64Array.from(
    { length: size },
    (_, k) => samples.reduce((sum, sample) => sum + sample[k]!, 0) / samples.length,
  );
}

const trueWeights = (size: number) => Float64Array.from({ length: size }, (_, k) => (k % 5) - 2);

describe("standard errors of the ridge coefficients", () => {
  it("matches the textbook formula of simple regression, sigma / sqrt(Sxx)", () => {
    // One feature, no effective ridge: SE(slope) = sqrt(RSS / (n - 2) / sum (x - mean x)^2).
    const x = [0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1];
    const y = [1.2, 3.1, 0.7, 2.6, 3.3, 1.1, 2.9, 0.8, 1.4, 3.4, 2.7, 3.0];
    const masks: MaskSet = { count: x.length, size: 1, bits: Uint8Array.from(x) };
    const n = x.length;
    const meanX = x.reduce((a, b) => a + b) / n;
    const meanY = y.reduce((a, b) => a + b) / n;
    const sxx = x.reduce((sum, xi) => sum + (xi - meanX) ** 2, 0);
    const sxy = x.reduce((sum, xi, i) => sum + (xi - meanX) * (y[i]! - meanY), 0);
    const slope = sxy / sxx;
    const intercept = meanY - slope * meanX;
    const rss = x.reduce((sum, xi, i) => sum + (y[i]! - intercept - slope * xi) ** 2, 0);
    const expected = Math.sqrt(rss / (n - 2) / sxx);
    // holdout tiny enough that no mask of 12 is held out.
    const [se] = coefficientStandardErrors(masks, Float64Array.from(y), {
      ridge: 1e-12,
      holdout: 0.01,
      estimator: "classic",
    });
    expect(se).toBeCloseTo(expected, 9);
  });

  it("agrees with the spread of refits over noise draws (fixed masks, constant noise)", () => {
    const size = 16;
    const sigma = 0.5;
    const masks = sampleMasks(600, size, 0.2, 7);
    const weights = trueWeights(size);
    const random = mulberry32(11);
    const fits: Float64Array[] = [];
    const classic: Float64Array[] = [];
    const robust: Float64Array[] = [];
    for (let rep = 0; rep < 300; rep++) {
      const targets = Float64Array.from({ length: masks.count }, (_, i) => {
        const row = maskRow(masks, i);
        let y = 3;
        for (let k = 0; k < size; k++) y += weights[k]! * row[k]!;
        return y + sigma * normal(random);
      });
      fits.push(Float64Array.from(fitWeights(masks, targets, 1e-3, 0.15)));
      const options = { ridge: 1e-3, holdout: 0.15 };
      classic.push(coefficientStandardErrors(masks, targets, { ...options, estimator: "classic" }));
      robust.push(coefficientStandardErrors(masks, targets, options));
    }
    const spread = standardDeviations(fits);
    const meanClassic = meanOf(classic);
    const meanSandwich = meanOf(robust);
    for (let k = 0; k < size; k++) {
      // 300 draws estimate an SD to about +-4% (1 / sqrt(2 * 300)); allow 15%.
      expect(meanClassic[k]! / spread[k]!).toBeGreaterThan(0.85);
      expect(meanClassic[k]! / spread[k]!).toBeLessThan(1.15);
      expect(meanSandwich[k]! / spread[k]!).toBeGreaterThan(0.85);
      expect(meanSandwich[k]! / spread[k]!).toBeLessThan(1.15);
    }
  });

  it("agrees with the spread over seeds for a non-additive model (heads that back each other up)", () => {
    // Deterministic targets, as in a real attribution: heads 0 and 1 are redundant (the
    // target drops only when both are ablated), so the additive fit's misfit depends on
    // the mask. The spread over independently drawn mask sets is what the SE must predict.
    const size = 12;
    const weights = trueWeights(size);
    const target = (row: Uint8Array) => {
      let y = 5;
      for (let k = 2; k < size; k++) y += weights[k]! * row[k]!;
      if (row[0] && row[1]) y -= 8;
      if (row[3] && row[4] && row[5]) y += 6;
      return y;
    };
    const fits: Float64Array[] = [];
    const errors: Float64Array[] = [];
    for (let seed = 0; seed < 300; seed++) {
      const masks = sampleMasks(500, size, 0.3, seed);
      const targets = Float64Array.from({ length: masks.count }, (_, i) =>
        target(maskRow(masks, i)),
      );
      fits.push(Float64Array.from(fitWeights(masks, targets, 1e-3, 0.15)));
      errors.push(coefficientStandardErrors(masks, targets, { ridge: 1e-3, holdout: 0.15 }));
    }
    const spread = standardDeviations(fits);
    const meanSe = meanOf(errors);
    for (let k = 0; k < size; k++) {
      expect(meanSe[k]! / spread[k]!).toBeGreaterThan(0.8);
      expect(meanSe[k]! / spread[k]!).toBeLessThan(1.2);
    }
  });

  it("is NaN while there are no more training masks than parameters", () => {
    const masks = sampleMasks(8, 6, 0.3, 1);
    const se = coefficientStandardErrors(masks, new Float64Array(8).fill(1), {
      ridge: 1e-3,
      holdout: 0.15,
    });
    expect(Array.from(se).every(Number.isNaN)).toBe(true);
  });

  it("is zero for an exactly additive target", () => {
    const masks = sampleMasks(200, 5, 0.3, 3);
    const targets = Float64Array.from({ length: 200 }, (_, i) =>
      maskRow(masks, i).reduce((sum, bit, k) => sum + bit * k, 1),
    );
    const se = coefficientStandardErrors(masks, targets, { ridge: 1e-9, holdout: 0.15 });
    for (const value of se) expect(value).toBeLessThan(1e-6);
  });
});
