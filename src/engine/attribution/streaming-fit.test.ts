/**
 * The attribution fit streams: masks are drawn per chunk and dropped, only held-out masks
 * are kept, and the standard errors draw the masks again per pass. These tests hold it to
 * the implementation it replaced, kept here as the independent reference (every mask and
 * target in memory, the fit and the sandwich standard errors computed from them), and check
 * that a run of a million masks can be cancelled after a few chunks.
 */
import { describe, expect, it } from "vitest";
import { solveSpd } from "../math/linalg";
import { mulberry32 } from "../math/random";
import { pearson } from "../math/stats";
import {
  attributeHeads,
  DEFAULT_ATTRIBUTION,
  type AttributionSettings,
  type EvaluateMasks,
} from "./attribute-heads";
import { coefficientStandardErrors, type CovarianceEstimator } from "./coefficient-se";
import { forEachMask, isHeldOut, maskRow, MaskSampler, sampleMasks, type MaskSet } from "./masks";
import { predict, RidgeAccumulator } from "./ridge";

/** A target with interactions (heads 0 and 1 back each other up) and mask-seeded noise. */
function interactingModel(size: number): EvaluateMasks {
  return async (masks, count) => {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const row = masks.subarray(i * size, (i + 1) * size);
      let y = 3;
      let key = 17;
      for (let k = 0; k < size; k++) {
        y -= 0.05 * k * row[k]!;
        key = (key * 31 + row[k]! + k) >>> 0;
      }
      if (row[0] && row[1]) y -= 2;
      out[i] = y + 0.3 * (mulberry32(key)() - 0.5);
    }
    return out;
  };
}

/** The fit as it was: all masks drawn up front, held-out rows looked up in them. */
function referenceFit(masks: MaskSet, targets: Float64Array, settings: AttributionSettings) {
  const accumulator = new RidgeAccumulator(masks.size);
  const heldOut: number[] = [];
  for (let index = 0; index < masks.count; index++) {
    if (isHeldOut(index, settings.holdout)) heldOut.push(index);
    else accumulator.add(maskRow(masks, index), targets[index]!);
  }
  const fit = accumulator.solve(settings.ridge);
  const predicted = heldOut.map((index) => predict(fit, maskRow(masks, index)));
  const r = pearson(
    predicted,
    heldOut.map((index) => targets[index]!),
  );
  return {
    scores: Array.from(fit.weights, (w) => (w === 0 ? 0 : -w)),
    intercept: fit.intercept,
    r,
  };
}

/** The standard errors as they were: residuals and active columns kept per mask. */
function referenceStandardErrors(
  masks: MaskSet,
  targets: Float64Array,
  ridge: number,
  holdout: number,
  estimator: CovarianceEstimator,
): Float64Array {
  const { size } = masks;
  const n = size + 1;
  const rows: number[] = [];
  for (let index = 0; index < masks.count; index++)
    if (!isHeldOut(index, holdout)) rows.push(index);
  const result = new Float64Array(size).fill(Number.NaN);
  const accumulator = new RidgeAccumulator(size);
  for (const index of rows) accumulator.add(maskRow(masks, index), targets[index]!);
  if (rows.length <= n) return result;
  const fit = accumulator.solve(ridge);
  const x = (row: Uint8Array, i: number) => (i === 0 ? 1 : row[i - 1]!);
  const gram = new Float64Array(n * n);
  const residuals = new Float64Array(rows.length);
  const actives: number[][] = [];
  rows.forEach((index, r) => {
    const row = maskRow(masks, index);
    const active = [0];
    let predicted = fit.intercept;
    for (let k = 0; k < size; k++) {
      if (row[k] !== 0) {
        active.push(k + 1);
        predicted += fit.weights[k]! * row[k]!;
      }
    }
    actives.push(active);
    residuals[r] = targets[index]! - predicted;
    for (const i of active) for (const j of active) gram[i * n + j]! += x(row, i) * x(row, j);
  });
  const system = Float64Array.from(gram);
  for (let k = 1; k < n; k++) system[k * n + k]! += ridge * rows.length;
  const inverse = new Float64Array(n * n);
  for (let column = 0; column < n; column++) {
    const unit = new Float64Array(n);
    unit[column] = 1;
    const solution = solveSpd(system, unit, n);
    for (let row = 0; row < n; row++) inverse[row * n + column] = solution[row]!;
  }
  let df = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) df += inverse[i * n + j]! * gram[j * n + i]!;
  const dof = rows.length - df;
  let middle: Float64Array;
  if (estimator === "classic") {
    const rss = residuals.reduce((sum, e) => sum + e * e, 0);
    middle = gram.map((value) => (value * rss) / dof);
  } else {
    middle = new Float64Array(n * n);
    rows.forEach((index, r) => {
      const row = maskRow(masks, index);
      const active = actives[r]!;
      let weight = residuals[r]! * residuals[r]!;
      if (estimator === "hc3") {
        let leverage = 0;
        for (const i of active)
          for (const j of active) leverage += x(row, i) * inverse[i * n + j]! * x(row, j);
        weight /= Math.max(1 - leverage, 1e-6) ** 2;
      } else {
        weight *= rows.length / dof;
      }
      for (const i of active)
        for (const j of active) middle[i * n + j]! += weight * x(row, i) * x(row, j);
    });
  }
  for (let k = 1; k < n; k++) {
    let variance = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        variance += inverse[k * n + i]! * middle[i * n + j]! * inverse[j * n + k]!;
    result[k - 1] = Math.sqrt(Math.max(variance, 0));
  }
  return result;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(tolerance);
  }
}

describe("the streaming attribution fit", () => {
  it("draws the same masks however the draw is split", () => {
    const whole = sampleMasks(1000, 12, 0.1, 42).bits;
    const sampler = new MaskSampler(12, 0.1, 42);
    const parts = [sampler.next(1), sampler.next(333), sampler.next(666)];
    expect(Uint8Array.from(parts.flatMap((part) => [...part]))).toEqual(whole);
    const redrawn: number[] = [];
    forEachMask({ count: 1000, size: 12, alpha: 0.1, seed: 42 }, (row) => redrawn.push(...row));
    expect(Uint8Array.from(redrawn)).toEqual(whole);
  });

  for (const [samples, size, alpha, seed] of [
    [400, 10, 0.2, 1],
    [5000, 24, 0.05, 7],
    [9000, 6, 0.4, 123],
  ] as const) {
    it(`matches the in-memory fit and standard errors (${samples} masks, ${size} heads)`, async () => {
      const settings = { ...DEFAULT_ATTRIBUTION, samples, alpha, seed, batchSize: 37 };
      const run = await attributeHeads(interactingModel(size), size, settings);
      const masks = sampleMasks(samples, size, alpha, seed);
      // The reference sees targets computed from its own copy of the masks.
      const targets = await interactingModel(size)(masks.bits, samples);
      expect(run.targets).toEqual(targets);
      const reference = referenceFit(masks, targets, settings);
      expectClose(run.scores, reference.scores, 1e-9);
      expect(Math.abs(run.intercept - reference.intercept)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(run.heldOutR! - reference.r)).toBeLessThanOrEqual(1e-9);
      for (const estimator of ["hc3", "hc1", "classic"] as const) {
        const options = { ridge: settings.ridge, holdout: settings.holdout, estimator };
        const expected = referenceStandardErrors(
          masks,
          targets,
          settings.ridge,
          settings.holdout,
          estimator,
        );
        expectClose(coefficientStandardErrors(run.masks, run.targets, options), expected, 1e-9);
        expectClose(coefficientStandardErrors(masks, targets, options), expected, 1e-9);
      }
    });
  }

  it("stops a run of ten million masks over 4096 heads within the chunk Cancel came in", async () => {
    // All masks up front would be 41 GB (more than a typed array may hold); drawn per chunk
    // the run starts at once and Cancel is seen before the next chunk.
    const size = 4096;
    const controller = new AbortController();
    let evaluated = 0;
    const evaluate: EvaluateMasks = async (_masks, count) => {
      evaluated += count;
      if (evaluated >= 3 * 32) controller.abort();
      return new Float64Array(count).fill(1);
    };
    const fitter = () => ({
      add: () => undefined,
      finish: () => ({
        scores: new Float64Array(size),
        intercept: 0,
        heldOutR: null,
        trainCount: 0,
        heldOutCount: 0,
      }),
    });
    const settings = { ...DEFAULT_ATTRIBUTION, samples: 10_000_000, batchSize: 32 };
    await expect(
      attributeHeads(evaluate, size, settings, { signal: controller.signal, fitter }),
    ).rejects.toMatchObject({ name: "AbortError" });
    // Measured by masks, not time: nothing past the chunk in which Cancel came.
    expect(evaluated).toBe(3 * 32);
  });

  it("answers Cancel within one chunk of a ten-million-mask run with the real fit", async () => {
    // The fit refits on its schedule, not per chunk, and its held-out check does not grow
    // with the held-out masks; Cancel comes from a timer, as a click would, between chunks.
    const size = 64;
    const chunk = 1024;
    const controller = new AbortController();
    let evaluated = 0;
    let evaluatedAtCancel = -1;
    let partials = 0;
    const evaluate: EvaluateMasks = async (masks, count) => {
      await new Promise((resolve) => setImmediate(resolve));
      evaluated += count;
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = 3 - masks[i * size]! + 0.01 * (i % 7);
      return out;
    };
    const settings = { ...DEFAULT_ATTRIBUTION, samples: 10_000_000 };
    setTimeout(() => {
      evaluatedAtCancel = evaluated;
      controller.abort();
    }, 1500);
    await expect(
      attributeHeads(evaluate, size, settings, {
        signal: controller.signal,
        chunk,
        onProgress: (p) => {
          if (p.partial) partials++;
        },
      }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(evaluatedAtCancel).toBeGreaterThan(0);
    expect(evaluated - evaluatedAtCancel).toBeLessThanOrEqual(chunk);
    // Refits: the geometric checks so far plus a refresh per 1/32 of the run, not one per
    // chunk (evaluated / chunk of them).
    expect(partials).toBeLessThan(40);
  });
});
