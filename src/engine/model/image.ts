/**
 * Decoded image -> the model's `pixel_values`. Decoding itself happens at the edges
 * (sharp in Node, createImageBitmap in the browser); both hand over straight RGBA pixels
 * at the image's own size, so the same code below decides the model input everywhere.
 *
 * Resize policy: composite transparency over white, centre-crop to a square, then
 * area-average down (or up) to the model's size.
 * - The model was trained on full-bleed square scenes (64x64, a background covering the
 *   whole image, the object somewhere inside). Centre-cropping keeps that: no padding
 *   bars (a border pattern the model never saw, and which would land in edge patches),
 *   and no stretching (which distorts the object's shape). Its cost, losing the edges of
 *   very wide or tall images, is the smallest of the three for this task.
 * - Area averaging is exact for integer factors and does not alias when shrinking a
 *   large photo; a 64x64 input passes through unchanged, pixel for pixel.
 * - Transparent emoji PNGs are flattened onto white, the way they are usually shown.
 */
export interface RgbaImage {
  width: number;
  height: number;
  /** width x height x 4 bytes, row-major RGBA, not premultiplied. */
  data: Uint8Array | Uint8ClampedArray;
}

export interface ImageNormalisation {
  size: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** A uniform image of one colour (the `blank` baseline is uniform gray). */
export function solidImage(size: number, rgb: readonly [number, number, number]): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++) data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  return { width: size, height: size, data };
}

/** Mid gray, the `blank` baseline's colour. */
export const BLANK_GRAY: readonly [number, number, number] = [128, 128, 128];

/** RGBA -> float32 `[3, size, size]`, normalised as `(x / 255 - mean) / std`. */
export function toPixelValues(image: RgbaImage, norm: ImageNormalisation): Float32Array {
  const { width, height, data } = image;
  if (width < 1 || height < 1 || data.length !== width * height * 4) {
    throw new Error(`toPixelValues: ${width}x${height} image with ${data.length} bytes`);
  }
  const side = Math.min(width, height);
  const x0 = Math.floor((width - side) / 2);
  const y0 = Math.floor((height - side) / 2);
  const size = norm.size;
  const cols = areaWeights(x0, side, size);
  const rows = areaWeights(y0, side, size);
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  // Horizontal pass into a (side x size x 3) float buffer, then vertical pass.
  const horizontal = new Float64Array(side * size * 3);
  for (let y = 0; y < side; y++) {
    const rowBase = (y0 + y) * width;
    for (let ox = 0; ox < size; ox++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [sx, weight] of cols[ox]!) {
        const p = (rowBase + sx) * 4;
        const alpha = data[p + 3]! / 255;
        // Over white: c * a + 255 * (1 - a).
        const white = 255 * (1 - alpha);
        r += weight * (data[p]! * alpha + white);
        g += weight * (data[p + 1]! * alpha + white);
        b += weight * (data[p + 2]! * alpha + white);
      }
      const q = (y * size + ox) * 3;
      horizontal[q] = r;
      horizontal[q + 1] = g;
      horizontal[q + 2] = b;
    }
  }
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      const rgb = [0, 0, 0];
      for (const [sy, weight] of rows[oy]!) {
        const q = ((sy - y0) * size + ox) * 3;
        rgb[0]! += weight * horizontal[q]!;
        rgb[1]! += weight * horizontal[q + 1]!;
        rgb[2]! += weight * horizontal[q + 2]!;
      }
      for (let c = 0; c < 3; c++) {
        out[c * plane + oy * size + ox] = (rgb[c]! / 255 - norm.mean[c]!) / norm.std[c]!;
      }
    }
  }
  return out;
}

/**
 * For each of `dstLen` output pixels, the source pixels in [offset, offset + srcLen) it
 * covers and their coverage fractions (summing to 1): box filtering with exact overlap.
 */
function areaWeights(
  offset: number,
  srcLen: number,
  dstLen: number,
): Array<Array<[number, number]>> {
  const scale = srcLen / dstLen;
  const result: Array<Array<[number, number]>> = [];
  for (let o = 0; o < dstLen; o++) {
    const start = o * scale;
    const end = start + scale;
    const taps: Array<[number, number]> = [];
    for (let s = Math.floor(start); s < Math.min(srcLen, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s);
      if (overlap > 1e-12) taps.push([offset + s, overlap / scale]);
    }
    result.push(taps);
  }
  return result;
}
