import { describe, expect, it } from "vitest";
import { toPixelValues, type RgbaImage } from "./image";

const norm = { size: 4, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } as const;
const value = (byte: number) => (byte / 255 - 0.5) / 0.5;

function image(
  width: number,
  height: number,
  pixel: (x: number, y: number) => number[],
): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

describe("toPixelValues", () => {
  it("passes an image of the model's size through unchanged, as CHW planes", () => {
    const img = image(4, 4, (x, y) => [x * 60, y * 60, 7, 255]);
    const out = toPixelValues(img, norm);
    expect(out.length).toBe(48);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        expect(out[y * 4 + x]).toBeCloseTo(value(x * 60), 6);
        expect(out[16 + y * 4 + x]).toBeCloseTo(value(y * 60), 6);
        expect(out[32 + y * 4 + x]).toBeCloseTo(value(7), 6);
      }
    }
  });

  it("area-averages an integer downscale exactly", () => {
    // 8x8 where each 2x2 block holds 0, 100, 200, 40: the mean is 85.
    const img = image(8, 8, (x, y) => {
      const v = [0, 100, 200, 40][(y % 2) * 2 + (x % 2)]!;
      return [v, v, v, 255];
    });
    const out = toPixelValues(img, norm);
    for (const v of out) expect(v).toBeCloseTo(value(85), 6);
  });

  it("centre-crops a wide image to a square (no stretching, no padding)", () => {
    // 12x4: left 4 columns red, middle 4 green, right 4 blue -> the crop is all green.
    const img = image(12, 4, (x) =>
      x < 4 ? [255, 0, 0, 255] : x < 8 ? [0, 255, 0, 255] : [0, 0, 255, 255],
    );
    const out = toPixelValues(img, norm);
    expect(Array.from(out.subarray(0, 16)).every((v) => Math.abs(v - value(0)) < 1e-6)).toBe(true);
    expect(Array.from(out.subarray(16, 32)).every((v) => Math.abs(v - value(255)) < 1e-6)).toBe(
      true,
    );
  });

  it("composites transparency over white", () => {
    const img = image(4, 4, () => [0, 0, 0, 0]);
    for (const v of toPixelValues(img, norm)) expect(v).toBeCloseTo(value(255), 6);
    const half = image(4, 4, () => [0, 0, 0, 128]);
    for (const v of toPixelValues(half, norm))
      expect(v).toBeCloseTo(value(255 * (1 - 128 / 255)), 5);
  });

  it("upscales a small image by area coverage", () => {
    const img = image(2, 2, (x, y) => [x * 200, y * 200, 0, 255]);
    const out = toPixelValues(img, norm);
    expect(out[0]).toBeCloseTo(value(0), 6);
    expect(out[3]).toBeCloseTo(value(200), 6);
  });
});
