import { describe, expect, it } from "vitest";
import { oneMaskPerLayer } from "./entry-graphs";

describe("oneMaskPerLayer", () => {
  it("gives row l exactly one ablated head, the first of layer l", () => {
    const layers = 3;
    const heads = 4;
    const masks = oneMaskPerLayer(layers, heads);
    expect(masks.length).toBe(layers * layers * heads);
    for (let row = 0; row < layers; row++) {
      const bits = masks.subarray(row * layers * heads, (row + 1) * layers * heads);
      expect(bits.reduce((a, b) => a + b, 0)).toBe(1);
      expect(Math.floor(bits.indexOf(1) / heads)).toBe(row);
    }
  });
});
