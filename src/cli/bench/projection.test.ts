/** The cluster projection's arithmetic, checked against independent computations. */
import { describe, expect, it } from "vitest";
import { sampleMasks } from "../../engine";
import { decoderFlops } from "./flops";
import { HALF_B_MODEL, expectedMaskFlops, imageFlops, projectJob } from "./projection";

const shape = { layers: 4, hiddenSize: 8, intermediateSize: 16, vocabSize: 10 };

describe("projection", () => {
  it("expected layer-entry FLOPs per mask match the mean over sampled masks", () => {
    const heads = 3;
    const alpha = 0.1;
    const count = 40_000;
    const masks = sampleMasks(count, shape.layers * heads, alpha, 7);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const first = masks.bits
        .subarray(i * shape.layers * heads, (i + 1) * shape.layers * heads)
        .indexOf(1);
      if (first >= 0) total += decoderFlops(shape, 20, 5, Math.floor(first / heads), true);
    }
    const expected = expectedMaskFlops(shape, heads, alpha, 20, 5);
    expect(Math.abs(total / count - expected) / expected).toBeLessThan(0.01);
    // Every head ablated: every mask runs the whole decoder.
    expect(expectedMaskFlops(shape, heads, 1, 20, 5)).toBe(decoderFlops(shape, 20, 5, 0, true));
  });

  it("scales a measured rate to the target's FLOPs", () => {
    const target = { ...HALF_B_MODEL, shape, headsPerLayer: 2, visionFlops: 1000 };
    const flops = imageFlops(target, 16, 0.1);
    const projection = projectJob({
      secondsPerImage: 2,
      measuredImageFlops: 4e9,
      samples: 8,
      heads: 4,
      alpha: 0.1,
      images: 100,
      target,
      nodes: [1, 10],
      gpuTflops: 1,
      gpus: [2],
    });
    // 8 samples for 4 heads -> 16 for the target's 4 x 2 heads; rate 2e9 FLOP/s.
    expect(projection.samplesPerImage).toBe(16);
    expect(projection.effectiveGflopsHere).toBe(2);
    expect(projection.secondsPerImageHere).toBeCloseTo(flops / 2e9, 1);
    expect(projection.clusterHoursOfNodesLikeThis["10"]).toBeCloseTo(
      (100 * flops) / 2e9 / 3600 / 10,
      2,
    );
    expect(projection.clusterHoursOfGpusAssumed["2"]).toBeCloseTo(
      (100 * flops) / 1e12 / 3600 / 2,
      2,
    );
    expect(projection.arithmetic).toHaveLength(5);
  });
});
