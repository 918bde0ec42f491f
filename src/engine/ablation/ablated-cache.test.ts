import { describe, expect, it } from "vitest";
import { AblatedCacheBuilder } from "./ablated-cache";
import type { ImageKv, KvCache } from "../model/kv";
import { sampleMasks } from "../attribution/masks";

const layers = 2;
const heads = 3;
const length = 7;
const headDim = 2;
const imageStart = 2;
const tokens = 3;

const clean: KvCache = {
  batch: 1,
  heads,
  length,
  headDim,
  keys: Array.from({ length: layers }, (_, l) =>
    Float32Array.from({ length: heads * length * headDim }, (_, i) => l * 1000 + i),
  ),
  values: Array.from({ length: layers }, (_, l) =>
    Float32Array.from({ length: heads * length * headDim }, (_, i) => -(l * 1000 + i)),
  ),
};
const baseline: ImageKv = {
  heads,
  tokens,
  headDim,
  keys: Array.from({ length: layers }, (_, l) =>
    Float32Array.from({ length: heads * tokens * headDim }, (_, i) => 0.5 + l * 100 + i),
  ),
  values: Array.from({ length: layers }, (_, l) =>
    Float32Array.from({ length: heads * tokens * headDim }, (_, i) => -0.5 - l * 100 - i),
  ),
};

/** Direct definition: row b, layer l, head h, image position t reads the baseline iff ablated. */
function expected(masks: Uint8Array, count: number, which: "keys" | "values"): Float32Array[] {
  return Array.from({ length: layers }, (_, l) => {
    const out = new Float32Array(count * heads * length * headDim);
    for (let b = 0; b < count; b++)
      for (let h = 0; h < heads; h++)
        for (let t = 0; t < length; t++)
          for (let d = 0; d < headDim; d++) {
            const ablated =
              masks[b * layers * heads + l * heads + h] === 1 &&
              t >= imageStart &&
              t < imageStart + tokens;
            out[((b * heads + h) * length + t) * headDim + d] = ablated
              ? baseline[which][l]![(h * tokens + (t - imageStart)) * headDim + d]!
              : clean[which][l]![(h * length + t) * headDim + d]!;
          }
    return out;
  });
}

describe("AblatedCacheBuilder", () => {
  it("substitutes exactly the image positions of ablated heads, also when reusing its buffers", () => {
    const builder = new AblatedCacheBuilder(clean, baseline, imageStart);
    for (const seed of [1, 2, 3]) {
      const masks = sampleMasks(4, layers * heads, 0.4, seed);
      const cache = builder.build(masks.bits, 4);
      expect(cache.keys).toEqual(expected(masks.bits, 4, "keys"));
      expect(cache.values).toEqual(expected(masks.bits, 4, "values"));
    }
    // A smaller (last) batch reallocates and is still right.
    const last = sampleMasks(3, layers * heads, 0.5, 9);
    expect(builder.build(last.bits, 3).keys).toEqual(expected(last.bits, 3, "keys"));
  });
});
