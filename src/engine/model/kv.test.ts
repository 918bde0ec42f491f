import { describe, expect, it } from "vitest";
import { meanImageKv, sliceImageKv, type KvCache } from "./kv";

/** A cache whose every entry encodes (layer, row, head, position, dim) so slices are checkable. */
function cache(batch: number, heads: number, length: number, headDim: number, layers = 2): KvCache {
  const layer = (l: number, offset: number) =>
    Float32Array.from({ length: batch * heads * length * headDim }, (_, i) => {
      const d = i % headDim;
      const t = Math.floor(i / headDim) % length;
      const h = Math.floor(i / (headDim * length)) % heads;
      const b = Math.floor(i / (headDim * length * heads));
      return offset + l * 10000 + b * 1000 + h * 100 + t * 10 + d;
    });
  return {
    batch,
    heads,
    length,
    headDim,
    keys: Array.from({ length: layers }, (_, l) => layer(l, 0)),
    values: Array.from({ length: layers }, (_, l) => layer(l, 0.5)),
  };
}

describe("key/value helpers", () => {
  it("slices the image positions of one batch row", () => {
    const kv = sliceImageKv(cache(2, 3, 6, 2), 2, 5, 1);
    expect([kv.heads, kv.tokens, kv.headDim]).toEqual([3, 3, 2]);
    // layer 1, row 1, head 2, positions 2..4, dims 0..1
    expect(Array.from(kv.keys[1]!.subarray(2 * 6, 3 * 6))).toEqual([
      11220, 11221, 11230, 11231, 11240, 11241,
    ]);
    expect(kv.values[0]![0]).toBe(1020.5);
  });

  it("averages several key/value sets element-wise", () => {
    const a = sliceImageKv(cache(2, 1, 3, 1, 1), 0, 3, 0);
    const b = sliceImageKv(cache(2, 1, 3, 1, 1), 0, 3, 1);
    const mean = meanImageKv([a, b]);
    expect(Array.from(mean.keys[0]!)).toEqual([500, 510, 520]);
  });
});
