/**
 * Drawing cached sprites into scene layers with an affine transform, and compositing.
 *
 * Layers are premultiplied RGBA float images of the scene size. Keeping each object in
 * its own layer lets the scene code measure boxes and occlusion exactly before it
 * commits to a layout, and gives the main object's alpha for patch coverage.
 */
import type { MipLevel, Sprite } from "./sprites.ts";
import type { RGB } from "./palette.ts";

/** Placement of a sprite, in units of the image side (resolution independent). */
export interface Placement {
  /** Centre of the sprite's tight crop. */
  cx: number;
  cy: number;
  /** Longest side of the sprite's tight crop (before rotation). */
  extent: number;
  /** Rotation in degrees, clockwise on screen (y points down). */
  rotation: number;
}

export function newLayer(size: number): Float32Array {
  return new Float32Array(size * size * 4);
}

/** Bilinear sample of a premultiplied level at continuous pixel coordinates (centres at +0.5). */
function sampleBilinear(level: MipLevel, u: number, v: number, out: Float32Array): void {
  const x = u - 0.5;
  const y = v - 0.5;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const { w, h, data } = level;
  out[0] = out[1] = out[2] = out[3] = 0;
  for (let dy = 0; dy < 2; dy++) {
    const yy = y0 + dy;
    if (yy < 0 || yy >= h) continue;
    const wy = dy ? fy : 1 - fy;
    for (let dx = 0; dx < 2; dx++) {
      const xx = x0 + dx;
      if (xx < 0 || xx >= w) continue;
      const wgt = wy * (dx ? fx : 1 - fx);
      if (wgt === 0) continue;
      const i = (yy * w + xx) * 4;
      out[0] += wgt * (data[i] as number);
      out[1] += wgt * (data[i + 1] as number);
      out[2] += wgt * (data[i + 2] as number);
      out[3] += wgt * (data[i + 3] as number);
    }
  }
}

const tmp = new Float32Array(4);

/**
 * Draws `sprite` into the cleared `layer` (size x size) at `placement`. Monochrome
 * sprites are multiplied by `tint`.
 */
export function drawSprite(
  sprite: Sprite,
  placement: Placement,
  size: number,
  layer: Float32Array,
  tint?: RGB,
): void {
  layer.fill(0);
  const base = sprite.levels[0] as MipLevel;
  // Level-0 crop has a 1 px transparent margin on every side.
  const cropW = base.w - 2;
  const cropH = base.h - 2;
  const scale = (placement.extent * size) / Math.max(cropW, cropH); // output px per level-0 px
  // Pick the pyramid level that leaves a reduction of at most 2x for bilinear.
  const reduction = 1 / scale;
  const levelIndex = Math.max(
    0,
    Math.min(sprite.levels.length - 1, Math.floor(Math.log2(reduction))),
  );
  const level = sprite.levels[levelIndex] as MipLevel;
  // Level L pixel i averages level-0 pixels [2^L i, 2^L (i+1)) (see sprites.ts halve()).
  const levelScale = 2 ** levelIndex;
  const theta = (placement.rotation * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const cx = placement.cx * size;
  const cy = placement.cy * size;
  // Output-space bounding box of the rotated sprite rectangle.
  const hw = (base.w / 2) * scale;
  const hh = (base.h / 2) * scale;
  const ex = Math.abs(hw * cos) + Math.abs(hh * sin);
  const ey = Math.abs(hw * sin) + Math.abs(hh * cos);
  const xMin = Math.max(0, Math.floor(cx - ex));
  const xMax = Math.min(size - 1, Math.ceil(cx + ex));
  const yMin = Math.max(0, Math.floor(cy - ey));
  const yMax = Math.min(size - 1, Math.ceil(cy + ey));
  const tr = tint?.[0] ?? 1;
  const tg = tint?.[1] ?? 1;
  const tb = tint?.[2] ?? 1;
  for (let y = yMin; y <= yMax; y++) {
    const dy = y + 0.5 - cy;
    for (let x = xMin; x <= xMax; x++) {
      const dx = x + 0.5 - cx;
      // Inverse rotation, then output px -> level-0 px, origin at the crop centre.
      const u0 = (dx * cos + dy * sin) / scale + base.w / 2;
      const v0 = (-dx * sin + dy * cos) / scale + base.h / 2;
      if (u0 < 0 || v0 < 0 || u0 > base.w || v0 > base.h) continue;
      sampleBilinear(level, u0 / levelScale, v0 / levelScale, tmp);
      const a = tmp[3] as number;
      if (a <= 0) continue;
      const o = (y * size + x) * 4;
      layer[o] = (tmp[0] as number) * tr;
      layer[o + 1] = (tmp[1] as number) * tg;
      layer[o + 2] = (tmp[2] as number) * tb;
      layer[o + 3] = a;
    }
  }
}

/** Premultiplied alpha-over of `layer` onto the opaque RGB image `rgb` (in place). */
export function compositeOver(rgb: Float32Array, layer: Float32Array, size: number): void {
  const n = size * size;
  for (let p = 0; p < n; p++) {
    const a = layer[p * 4 + 3] as number;
    if (a <= 0) continue;
    const k = 1 - a;
    rgb[p * 3] = (layer[p * 4] as number) + (rgb[p * 3] as number) * k;
    rgb[p * 3 + 1] = (layer[p * 4 + 1] as number) + (rgb[p * 3 + 1] as number) * k;
    rgb[p * 3 + 2] = (layer[p * 4 + 2] as number) + (rgb[p * 3 + 2] as number) * k;
  }
}

/** Box [x0, y0, x1, y1) (x1, y1 exclusive) of layer pixels with alpha >= threshold. */
export function layerBox(
  layer: Float32Array,
  size: number,
  threshold = 0.25,
): [number, number, number, number] | undefined {
  let x0 = size;
  let y0 = size;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if ((layer[(y * size + x) * 4 + 3] as number) >= threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? undefined : [x0, y0, x1 + 1, y1 + 1];
}

/** Converts an RGB float image (0..1) to bytes. */
export function toUint8(rgb: Float32Array, out: Uint8Array, offset = 0): void {
  for (let i = 0; i < rgb.length; i++) {
    const v = rgb[i] as number;
    out[offset + i] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
  }
}
