import { describe, expect, it } from "vitest";
import { mulberry32 } from "../math/random";
import { attributeHeads, DEFAULT_ATTRIBUTION, type EvaluateMasks } from "./attribute-heads";
import { ConvergenceTracker, DEFAULT_STOP_RULE, topK, topKOverlap } from "./stop-rule";

/** target = 5 - sum_h w_h m_h + noise seeded by the mask's content. */
function linearModel(weights: number[], noise: number): EvaluateMasks {
  return async (masks, count) => {
    const size = weights.length;
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      let y = 5;
      let key = 0;
      for (let k = 0; k < size; k++) {
        y -= weights[k]! * masks[i * size + k]!;
        key = (key * 31 + masks[i * size + k]! + k) >>> 0;
      }
      out[i] = y + noise * (mulberry32(key)() - 0.5);
    }
    return out;
  };
}

describe("top-k overlap", () => {
  it("compares the sets of the k highest scores, ties to the lower index", () => {
    expect(topK([0.1, 0.5, 0.5, -1, 0.3], 3)).toEqual([1, 2, 4]);
    expect(topKOverlap([4, 3, 2, 1], [1, 2, 3, 4], 2)).toBe(0);
    expect(topKOverlap([4, 3, 2, 1], [4, 2, 3, 1], 2)).toBe(0.5);
    expect(topKOverlap([4, 3, 2, 1], [3, 4, 0, 0], 2)).toBe(1);
    // Fewer heads than k: every head is in both sets.
    expect(topKOverlap([1, 2], [2, 1], 10)).toBe(1);
  });
});

describe("ConvergenceTracker", () => {
  const rule = { k: 2, minOverlap: 1, maxDeltaR: 0.01, window: 2, spacing: 1.25, minMasks: 30 };

  it("stops after `window` stable checks in a row, not before minMasks", () => {
    const tracker = new ConvergenceTracker(rule);
    expect(tracker.check(10, [3, 2, 1], 0.5)).toBe(false); // nothing to compare with
    expect(tracker.check(13, [3, 2, 1], 0.505)).toBe(false); // stable 1
    expect(tracker.check(17, [3, 2, 1], 0.506)).toBe(false); // stable 2, but < minMasks
    expect(tracker.check(22, [1, 2, 3], 0.506)).toBe(false); // top set half changed
    expect(tracker.check(28, [1, 2, 3], 0.507)).toBe(false); // stable 1
    expect(tracker.check(35, [1, 2, 3], 0.5)).toBe(true); // stable 2 and >= 30 masks
    expect(tracker.checks.map((c) => c.topKOverlap)).toEqual([null, 1, 1, 0.5, 1, 1]);
  });

  it("counts a check whose held-out r moved too far, or is unknown, as unstable", () => {
    const tracker = new ConvergenceTracker({ ...rule, window: 1, minMasks: 0 });
    expect(tracker.check(10, [3, 2, 1], null)).toBe(false);
    expect(tracker.check(13, [3, 2, 1], 0.5)).toBe(false); // previous r unknown
    expect(tracker.check(17, [3, 2, 1], 0.52)).toBe(false); // |dr| = 0.02
    expect(tracker.check(22, [3, 2, 1], 0.525)).toBe(true);
  });
});

describe("attributeHeads with stop: auto", () => {
  const size = 16;
  const truth = Array.from({ length: size }, (_, k) => (k % 5 === 0 ? 2 : 0.1 * k));
  const model = linearModel(truth, 0.2);

  it("stops early on a clean linear target, at a check, and says why", async () => {
    const settings = { ...DEFAULT_ATTRIBUTION, samples: 20_000, alpha: 0.2, seed: 3 };
    const stopped = await attributeHeads(model, size, { ...settings, stop: "auto" });
    const { stopping } = stopped;
    expect(stopping?.reason).toBe("converged");
    expect(stopping!.masksUsed).toBeLessThan(settings.samples);
    expect(stopping!.masksUsed).toBeGreaterThanOrEqual(DEFAULT_STOP_RULE.minMasks);
    expect(stopping!.checks.at(-1)!.masks).toBe(stopping!.masksUsed);
    expect(stopped.masks.count).toBe(stopping!.masksUsed);
    expect(stopped.targets.length).toBe(stopping!.masksUsed);
    expect(stopped.trainCount + stopped.heldOutCount).toBe(stopping!.masksUsed);
    // The stopped run is the full run's first masks: the same fit as a run of that size.
    const prefix = await attributeHeads(model, size, {
      ...settings,
      samples: stopping!.masksUsed,
    });
    expect(Array.from(stopped.scores)).toEqual(Array.from(prefix.scores));
    expect(stopped.heldOutR).toBe(prefix.heldOutR);
    truth.forEach((w, k) => expect(stopped.scores[k]).toBeCloseTo(w, 1));
  });

  it("stops at the same mask whatever the chunk size, and with a fitter elsewhere", async () => {
    const settings = {
      ...DEFAULT_ATTRIBUTION,
      samples: 5000,
      alpha: 0.2,
      seed: 8,
      stop: "auto" as const,
    };
    const a = await attributeHeads(model, size, settings, { chunk: 32 });
    const b = await attributeHeads(model, size, settings, { chunk: 500 });
    // A fitter that keeps its answers to itself (as the browser's scoring worker does).
    let fed = 0;
    const c = await attributeHeads(model, size, settings, {
      chunk: 77,
      fitter: () => ({
        add: (_masks, values) => {
          fed += values.length;
          return undefined;
        },
        finish: () => ({
          scores: new Float64Array(size),
          intercept: 0,
          heldOutR: null,
          trainCount: 0,
          heldOutCount: 0,
        }),
      }),
    });
    expect(a.stopping!.masksUsed).toBe(b.stopping!.masksUsed);
    expect(c.stopping!.masksUsed).toBe(a.stopping!.masksUsed);
    expect(fed).toBe(a.stopping!.masksUsed);
    expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
    expect(a.stopping!.checks).toEqual(c.stopping!.checks);
  });

  it("runs every sample when the answer keeps changing, and records no rule when off", async () => {
    // Pure noise: no head matters, so the top set never settles.
    const noise: EvaluateMasks = async (masks, count) =>
      Float64Array.from({ length: count }, (_, i) => {
        let key = 1;
        for (let k = 0; k < size; k++) key = (key * 31 + masks[i * size + k]! + k) >>> 0;
        return mulberry32(key)();
      });
    const settings = { ...DEFAULT_ATTRIBUTION, samples: 800, alpha: 0.2, seed: 2 };
    const run = await attributeHeads(noise, size, { ...settings, stop: "auto" });
    expect(run.stopping?.reason).toBe("samples");
    expect(run.masks.count).toBe(800);
    const off = await attributeHeads(noise, size, settings);
    expect(off.stopping).toBeUndefined();
    expect(Array.from(off.scores)).toEqual(Array.from(run.scores));
  });

  it("refuses a stop mode it does not know", async () => {
    await expect(
      attributeHeads(model, size, { ...DEFAULT_ATTRIBUTION, stop: "soon" as "auto" }),
    ).rejects.toThrow(/stop must be auto or off \(got "soon"\)/);
  });
});
