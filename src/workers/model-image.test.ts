import { describe, expect, it } from "vitest";
import { toModelResolution } from "./model-image";

function image(width: number, height: number, pixel: (x: number, y: number) => number[]) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

describe("the image at model resolution", () => {
  it("passes a model-sized opaque image through pixel for pixel", () => {
    const original = image(8, 8, (x, y) => [x * 30, y * 30, (x * y) % 256, 255]);
    expect(toModelResolution(original, 8).data).toEqual(original.data);
  });

  it("area-averages, centre-crops and flattens onto white like the engine", () => {
    // 4 x 2: the centre 2 x 2 square is kept; each output pixel averages a 1 x 1 area.
    const wide = image(4, 2, (x) => (x === 0 || x === 3 ? [0, 0, 0, 255] : [200, 100, 0, 255]));
    expect([...toModelResolution(wide, 1).data]).toEqual([200, 100, 0, 255]);
    const transparent = image(2, 2, () => [0, 0, 0, 0]);
    expect([...toModelResolution(transparent, 1).data]).toEqual([255, 255, 255, 255]);
  });
});
