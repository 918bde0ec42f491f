/**
 * Rasterising (category, style) sprites once, with resvg, and caching them in memory
 * as premultiplied RGBA float mip pyramids for the compositor.
 *
 * Why a pyramid: objects are drawn at 11-51 px from a 128 px raster, i.e. downscaled up
 * to ~10x. Bilinear sampling of the full raster would alias thin outlines (openmoji's
 * black strokes flicker in and out), so the compositor samples the pyramid level that
 * leaves at most a 2x reduction, which bilinear handles well.
 */
import { Resvg } from "@resvg/resvg-js";
import { type Category, iconFor, MONOCHROME_STYLES, type Style } from "./categories.ts";
import { iconSvg, resolveIcon } from "./iconify.ts";

/** Raster size of each sprite (the icon's viewBox fitted into this square). */
export const SPRITE_RASTER = 128;

export interface MipLevel {
  w: number;
  h: number;
  /** Premultiplied RGBA in 0..1, row-major, 4 floats per pixel. */
  data: Float32Array;
}

export interface Sprite {
  category: string;
  style: Style;
  /**
   * Monochrome sprites carry coverage only (RGB = 1, premultiplied: RGB = alpha); the
   * compositor multiplies by the tint chosen for the scene.
   */
  monochrome: boolean;
  /** Level 0 is the tight crop of the raster to its alpha bounding box. */
  levels: MipLevel[];
  /** Straight-alpha colours of up to 64 opaque pixels, for background-contrast checks. */
  colorSamples: Float32Array;
  /** Fraction of the crop's area that is covered (alpha-weighted). */
  fill: number;
}

/** Renders an icon to a premultiplied RGBA byte buffer of SPRITE_RASTER^2. */
export function rasteriseIcon(style: Style, icon: string, size = SPRITE_RASTER): Uint8Array {
  const resolved = resolveIcon(style, icon);
  if (!resolved) throw new Error(`${style}: icon "${icon}" not found`);
  const svg = iconSvg(resolved, size, "#000000");
  const image = new Resvg(svg, { fitTo: { mode: "width", value: size } }).render();
  if (image.width !== size || image.height !== size) {
    throw new Error(`${style}/${icon}: rendered ${image.width}x${image.height}, expected ${size}`);
  }
  // resvg returns premultiplied RGBA.
  return new Uint8Array(image.pixels.buffer, image.pixels.byteOffset, image.pixels.length);
}

/** Alpha bounding box [x0, y0, x1, y1) of pixels with alpha > threshold (0..255). */
export function alphaBox(
  rgba: Uint8Array,
  size: number,
  threshold = 8,
): [number, number, number, number] | undefined {
  let x0 = size;
  let y0 = size;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if ((rgba[(y * size + x) * 4 + 3] as number) > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? undefined : [x0, y0, x1 + 1, y1 + 1];
}

/** 2x box-filter reduction (odd sizes: the last row/column is clamped). */
function halve(level: MipLevel): MipLevel {
  const w = Math.max(1, Math.ceil(level.w / 2));
  const h = Math.max(1, Math.ceil(level.h / 2));
  const data = new Float32Array(w * h * 4);
  const src = level.data;
  for (let y = 0; y < h; y++) {
    const ya = Math.min(2 * y, level.h - 1);
    const yb = Math.min(2 * y + 1, level.h - 1);
    for (let x = 0; x < w; x++) {
      const xa = Math.min(2 * x, level.w - 1);
      const xb = Math.min(2 * x + 1, level.w - 1);
      const i00 = (ya * level.w + xa) * 4;
      const i01 = (ya * level.w + xb) * 4;
      const i10 = (yb * level.w + xa) * 4;
      const i11 = (yb * level.w + xb) * 4;
      const o = (y * w + x) * 4;
      for (let c = 0; c < 4; c++) {
        data[o + c] =
          0.25 *
          ((src[i00 + c] as number) +
            (src[i01 + c] as number) +
            (src[i10 + c] as number) +
            (src[i11 + c] as number));
      }
    }
  }
  return { w, h, data };
}

export function buildSprite(category: Category, style: Style, raster = SPRITE_RASTER): Sprite {
  const rgba = rasteriseIcon(style, iconFor(category, style), raster);
  const size = raster;
  const box = alphaBox(rgba, size);
  if (!box) throw new Error(`${style}/${category.name}: sprite renders empty`);
  const monochrome = MONOCHROME_STYLES.has(style);
  // One transparent pixel of margin so bilinear sampling fades out at the crop edge.
  const [bx0, by0, bx1, by1] = box;
  const x0 = bx0 - 1;
  const y0 = by0 - 1;
  const w = bx1 - bx0 + 2;
  const h = by1 - by0 + 2;
  const data = new Float32Array(w * h * 4);
  let alphaSum = 0;
  const opaque: number[] = [];
  for (let y = 0; y < h; y++) {
    const sy = y + y0;
    if (sy < 0 || sy >= size) continue;
    for (let x = 0; x < w; x++) {
      const sx = x + x0;
      if (sx < 0 || sx >= size) continue;
      const i = (sy * size + sx) * 4;
      const a = (rgba[i + 3] as number) / 255;
      const o = (y * w + x) * 4;
      if (monochrome) {
        data[o] = a;
        data[o + 1] = a;
        data[o + 2] = a;
      } else {
        data[o] = (rgba[i] as number) / 255;
        data[o + 1] = (rgba[i + 1] as number) / 255;
        data[o + 2] = (rgba[i + 2] as number) / 255;
      }
      data[o + 3] = a;
      alphaSum += a;
      if (a > 0.9) opaque.push(o);
    }
  }
  // Evenly spaced opaque pixels (deterministic) as the sprite's colour sample.
  const n = Math.min(64, opaque.length);
  const colorSamples = new Float32Array(n * 3);
  for (let k = 0; k < n; k++) {
    const o = opaque[Math.floor(((k + 0.5) * opaque.length) / n)] as number;
    const a = data[o + 3] as number;
    for (let c = 0; c < 3; c++) colorSamples[k * 3 + c] = (data[o + c] as number) / a;
  }
  const levels: MipLevel[] = [{ w, h, data }];
  while (true) {
    const last = levels[levels.length - 1] as MipLevel;
    if (Math.max(last.w, last.h) <= 4) break;
    levels.push(halve(last));
  }
  return {
    category: category.name,
    style,
    monochrome,
    levels,
    colorSamples,
    fill: alphaSum / ((bx1 - bx0) * (by1 - by0)),
  };
}

/** In-memory cache: each (category, style) sprite is rasterised once per process. */
export class SpriteCache {
  private readonly sprites = new Map<string, Sprite>();

  /** @param raster raster size (larger only for the gallery's display-size renders) */
  constructor(readonly raster = SPRITE_RASTER) {}

  get(category: Category, style: Style): Sprite {
    const key = `${style}/${category.name}`;
    let sprite = this.sprites.get(key);
    if (!sprite) {
      sprite = buildSprite(category, style, this.raster);
      this.sprites.set(key, sprite);
    }
    return sprite;
  }

  get size(): number {
    return this.sprites.size;
  }
}
