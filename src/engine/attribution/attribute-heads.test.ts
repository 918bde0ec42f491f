import { describe, expect, it } from "vitest";
import { attributeHeads, DEFAULT_ATTRIBUTION, type EvaluateMasks } from "./attribute-heads";
import { mulberry32 } from "../math/random";

/** A synthetic "model": target = 5 - sum_h w_h m_h + noise, noise seeded per mask content. */
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

describe("attributeHeads", () => {
  const size = 16;
  const truth = Array.from({ length: size }, (_, k) => (k % 5 === 0 ? 2 : 0.1 * k));

  it("recovers the drop each head causes, with a high held-out r", async () => {
    const settings = { ...DEFAULT_ATTRIBUTION, samples: 600, alpha: 0.2, seed: 3 };
    const run = await attributeHeads(linearModel(truth, 0.2), size, settings);
    truth.forEach((w, k) => expect(run.scores[k]).toBeCloseTo(w, 1));
    expect(run.heldOutR).toBeGreaterThan(0.95);
    expect(run.heldOutCount).toBe(90);
    expect(run.trainCount).toBe(510);
  });

  it("gives the same scores for the same seed and different ones for another", async () => {
    const settings = { ...DEFAULT_ATTRIBUTION, samples: 200, alpha: 0.15, seed: 11 };
    const model = linearModel(truth, 1);
    const a = await attributeHeads(model, size, settings);
    const b = await attributeHeads(model, size, settings);
    const c = await attributeHeads(model, size, { ...settings, seed: 12 });
    expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
    expect(Array.from(a.scores)).not.toEqual(Array.from(c.scores));
  });

  it("streams partial estimates and stops when cancelled", async () => {
    const settings = { ...DEFAULT_ATTRIBUTION, samples: 320, batchSize: 32 };
    const progress: number[] = [];
    let partials = 0;
    await attributeHeads(linearModel(truth, 0.1), size, settings, {
      onProgress: (p) => {
        progress.push(p.done);
        if (p.partial) partials++;
      },
    });
    expect(progress).toEqual([32, 64, 96, 128, 160, 192, 224, 256, 288, 320]);
    expect(partials).toBeGreaterThanOrEqual(9);

    const controller = new AbortController();
    const run = attributeHeads(linearModel(truth, 0.1), size, settings, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 64) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
  });

  it("rejects settings outside their ranges with a clear message", async () => {
    const model = linearModel(truth, 0);
    await expect(
      attributeHeads(model, size, { ...DEFAULT_ATTRIBUTION, alpha: 1.5 }),
    ).rejects.toThrow(/alpha must lie strictly between 0 and 1/);
    await expect(
      attributeHeads(model, size, { ...DEFAULT_ATTRIBUTION, samples: 3 }),
    ).rejects.toThrow(/samples must be an integer in 10\.\.10000000 \(got 3\)/);
  });
});
