/**
 * The image at the model's resolution (e.g. 64 x 64 RGBA), made with the engine's own
 * resize policy (flatten on white, centre-crop, area-average; src/engine/model/image.ts).
 *
 * Every analysis in the explorer runs on this small image, not on the decoded original: it
 * is what a permalink carries, so an analysis reopened from a link sees exactly the pixels
 * the original run saw and reproduces its scores. The engine passes a model-sized image
 * through unchanged, so nothing is lost by resizing once here. Pure: tested in Node.
 */
import { toPixelValues, type RgbaImage } from "../engine";

/** `toPixelValues` with mean 0 and std 1/255 returns plain 0..255 channel values. */
const IDENTITY = { mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] } as const;

export function toModelResolution(image: RgbaImage, size: number): RgbaImage {
  const planes = toPixelValues(image, { size, ...IDENTITY });
  const plane = size * size;
  const data = new Uint8Array(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      data[i * 4 + c] = Math.min(255, Math.max(0, Math.round(planes[c * plane + i]!)));
    }
    data[i * 4 + 3] = 255; // already flattened onto white
  }
  return { width: size, height: size, data };
}
