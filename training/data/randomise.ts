/**
 * Domain-randomised scenes: the same categories, styles, questions and
 * record format as the default generator, drawn with much wider variation so that a model
 * trained on them is right on images it did not draw:
 *
 * - background colours from the whole colour space, named by the nearest named colour
 *   (colornames.ts; the colour answer is the name most background pixels get, and it must
 *   cover >= 50% of them), gradients (linear at any angle, radial) between any colours,
 *   value noise, stripes / checks / dots, translucent circles and translucent polygons;
 * - main object 20-90% of the side, rotation +-35 deg, distractors 12-30%, +-40 deg;
 * - colour jitter of coloured objects (hue +-30 deg, saturation x0.6-1.3, value
 *   x0.75-1.15) on 30% of them; monochrome objects keep their random contrasting tint;
 * - four rasterisation / resampling paths: sprites drawn at 64 px directly (bilinear from
 *   the mip pyramid), at 128 px then 2x2 box-averaged, at 96 px then area-resampled by
 *   1.5, or at 128 px then point-sampled (aliased);
 * - then, independently: Gaussian blur (sigma 0.3-1.1 px, p = 0.25), Gaussian pixel noise
 *   (sigma 1-4% of full scale, p = 0.3) and JPEG artefacts (p = 0.3, quality 25-90: the
 *   lossy part of baseline JPEG, i.e. YCbCr, 4:2:0 chroma subsampling and 8x8 DCT
 *   quantisation with the standard tables scaled by quality; the lossless entropy coding
 *   is skipped because it does not change pixels).
 *
 * Scenes are deterministic by (split seed, index) like the default ones; the post-
 * processing draws from its own RNG stream so it does not shift the layout.
 */
import {
  type BackgroundSpec,
  type BackgroundKind,
  type Overlay,
  renderBackground,
} from "./backgrounds.ts";
import {
  AMBIGUITY_MARGIN,
  dominantColorName,
  MIN_DOMINANT_SHARE,
  nameColor,
} from "./colornames.ts";
import { toUint8 } from "./composite.ts";
import { COLOR_NAMES, type RGB } from "./palette.ts";
import { hash32, Rng, sceneSeed } from "./prng.ts";
import { buildRecord, type SceneRecord } from "./record.ts";
import {
  IMAGE_SIZE,
  type Jitter,
  type LayoutVariant,
  renderScene,
  type SceneContext,
  sampleSceneWithLayers,
} from "./scene.ts";
import type { Category } from "./categories.ts";

const DR_KIND_WEIGHTS: readonly [BackgroundKind, number][] = [
  ["solid", 0.2],
  ["gradient", 0.18],
  ["radial", 0.1],
  ["noise", 0.1],
  ["stripes", 0.08],
  ["checks", 0.06],
  ["dots", 0.08],
  ["circles", 0.12],
  ["shapes", 0.08],
];

/** A uniformly random sRGB colour (0..1). */
export function anyColor(rng: Rng): RGB {
  return [rng.next(), rng.next(), rng.next()];
}

/**
 * A random colour that the colour table names `name`, unambiguously (uniform over that
 * name's region of the RGB cube, by rejection).
 */
export function sampleNamedColor(rng: Rng, name: string): RGB {
  for (let i = 0; i < 4000; i++) {
    const c = anyColor(rng);
    const n = nameColor(c);
    if (n.name === name && n.margin >= AMBIGUITY_MARGIN) return c;
  }
  throw new Error(`no colour named ${name} found`);
}

function pickKind(rng: Rng): BackgroundKind {
  let r = rng.next();
  for (const [k, w] of DR_KIND_WEIGHTS) {
    r -= w;
    if (r < 0) return k;
  }
  return "solid";
}

function overlays(kind: BackgroundKind, rng: Rng): Overlay[] | undefined {
  if (kind !== "circles" && kind !== "shapes") return undefined;
  const n = kind === "circles" ? rng.int(8, 60) : rng.int(3, 12);
  return Array.from({ length: n }, () => ({
    shape: kind === "circles" ? "circle" : rng.chance(0.5) ? "rect" : "triangle",
    cx: rng.uniform(-0.05, 1.05),
    cy: rng.uniform(-0.05, 1.05),
    r: kind === "circles" ? rng.uniform(0.03, 0.2) : rng.uniform(0.08, 0.3),
    angle: rng.uniform(0, 2 * Math.PI),
    rgb: anyColor(rng),
    alpha: kind === "circles" ? rng.uniform(0.1, 0.45) : rng.uniform(0.15, 0.5),
  }));
}

/** Background of any kind whose dominant named colour is `color` (>= 50% of its pixels). */
export function sampleBackgroundDR(rng: Rng, color = rng.pick(COLOR_NAMES)): BackgroundSpec {
  const px = new Float32Array(IMAGE_SIZE * IMAGE_SIZE * 3);
  for (let attempt = 0; attempt < 24; attempt++) {
    const kind = pickKind(rng);
    const rgb = sampleNamedColor(rng, color);
    const free = kind === "stripes" || kind === "dots" || rng.chance(0.5);
    const rgb2 =
      kind === "solid" || kind === "circles" || kind === "shapes"
        ? rgb
        : kind === "checks" || !free
          ? sampleNamedColor(rng, color)
          : anyColor(rng);
    const spec: BackgroundSpec = {
      kind,
      color,
      rgb,
      rgb2,
      angle: rng.uniform(0, 2 * Math.PI),
      period: rng.uniform(0.07, 0.25),
      duty:
        kind === "dots"
          ? rng.uniform(0.12, 0.3)
          : kind === "stripes"
            ? rng.uniform(0.15, 0.4)
            : rng.uniform(0.35, 0.65),
      phase: [rng.next(), rng.next()],
      grain:
        kind === "noise" ? rng.uniform(0.03, 0.08) : rng.chance(0.2) ? rng.uniform(0.01, 0.04) : 0,
      noiseSeed: rng.nextU32(),
    };
    const ov = overlays(kind, rng);
    if (ov) spec.overlays = ov;
    renderBackground(spec, IMAGE_SIZE, px);
    const dom = dominantColorName(px);
    if (dom.name === color && dom.share >= MIN_DOMINANT_SHARE) return spec;
  }
  const rgb = sampleNamedColor(rng, color);
  return {
    kind: "solid",
    color,
    rgb,
    rgb2: rgb,
    angle: 0,
    period: 0.1,
    duty: 0.5,
    phase: [0, 0],
    grain: 0,
    noiseSeed: 0,
  };
}

function jitter(rng: Rng): Jitter | undefined {
  if (!rng.chance(0.3)) return undefined;
  return [rng.uniform(-30, 30), rng.uniform(0.6, 1.3), rng.uniform(0.75, 1.15)];
}

export const DR_LAYOUT: LayoutVariant = {
  mainExtent: [0.2, 0.9],
  mainRotation: 35,
  distractorExtent: [0.12, 0.3],
  distractorRotation: 40,
  maxDistractors: 3,
  shrinkAttempts: 16,
  sampleBackground: sampleBackgroundDR,
  jitter,
};

// ---------------------------------------------------------------------------------------
// resampling paths and post-processing (float RGB 0..1, row-major, 3 channels)

export const RENDER_PATHS = ["direct", "box2", "area1.5", "point2"] as const;
export type RenderPath = (typeof RENDER_PATHS)[number];
const PATH_WEIGHTS: Readonly<Record<RenderPath, number>> = {
  direct: 0.4,
  box2: 0.25,
  "area1.5": 0.2,
  point2: 0.15,
};
const PATH_SIZE: Readonly<Record<RenderPath, number>> = {
  direct: 64,
  box2: 128,
  "area1.5": 96,
  point2: 128,
};

/**
 * Area-weighted downsampling of `src` (n x n) to `m` x `m` (m <= n): each output pixel is
 * the mean of the source area it covers, fractional pixels weighted by overlap.
 */
export function areaResample(src: Float32Array, n: number, m: number): Float32Array {
  const out = new Float32Array(m * m * 3);
  const f = n / m;
  const spans: [number, number][][] = [];
  for (let o = 0; o < m; o++) {
    const a = o * f;
    const b = (o + 1) * f;
    const s: [number, number][] = [];
    for (let i = Math.floor(a); i < Math.ceil(b) && i < n; i++) {
      const w = Math.min(b, i + 1) - Math.max(a, i);
      if (w > 1e-9) s.push([i, w / f]);
    }
    spans.push(s);
  }
  for (let y = 0; y < m; y++) {
    for (let x = 0; x < m; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [iy, wy] of spans[y] as [number, number][]) {
        for (const [ix, wx] of spans[x] as [number, number][]) {
          const w = wy * wx;
          const k = (iy * n + ix) * 3;
          r += w * (src[k] as number);
          g += w * (src[k + 1] as number);
          b += w * (src[k + 2] as number);
        }
      }
      const o = (y * m + x) * 3;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
  return out;
}

/** Every `step`-th pixel, starting at `offset` (aliasing, like nearest-neighbour scaling). */
export function pointSample(src: Float32Array, n: number, step: number, offset: number) {
  const m = Math.floor(n / step);
  const out = new Float32Array(m * m * 3);
  for (let y = 0; y < m; y++)
    for (let x = 0; x < m; x++)
      for (let c = 0; c < 3; c++)
        out[(y * m + x) * 3 + c] = src[
          ((y * step + offset) * n + x * step + offset) * 3 + c
        ] as number;
  return out;
}

/** Separable Gaussian blur with clamped edges. */
export function gaussianBlur(img: Float32Array, size: number, sigma: number): Float32Array {
  const rad = Math.max(1, Math.ceil(3 * sigma));
  const k: number[] = [];
  let sum = 0;
  for (let i = -rad; i <= rad; i++) {
    const w = Math.exp((-i * i) / (2 * sigma * sigma));
    k.push(w);
    sum += w;
  }
  const kern = k.map((w) => w / sum);
  const tmp = new Float32Array(img.length);
  const out = new Float32Array(img.length);
  const clamp = (i: number) => Math.min(size - 1, Math.max(0, i));
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let i = -rad; i <= rad; i++)
          s += (kern[i + rad] as number) * (img[(y * size + clamp(x + i)) * 3 + c] as number);
        tmp[(y * size + x) * 3 + c] = s;
      }
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let i = -rad; i <= rad; i++)
          s += (kern[i + rad] as number) * (tmp[(clamp(y + i) * size + x) * 3 + c] as number);
        out[(y * size + x) * 3 + c] = s;
      }
  return out;
}

const JPEG_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
  92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const JPEG_CHROMA = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
  47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/** IJG quality scaling of a quantisation table. */
export function jpegTable(base: readonly number[], quality: number): number[] {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const s = q < 50 ? 5000 / q : 200 - 2 * q;
  return base.map((b) => Math.min(255, Math.max(1, Math.floor((b * s + 50) / 100))));
}

const COS = Array.from({ length: 64 }, (_, k) => {
  const x = k >> 3;
  const u = k & 7;
  return Math.cos(((2 * x + 1) * u * Math.PI) / 16) * (u === 0 ? Math.SQRT1_2 : 1);
});

/** 8x8 DCT-II quantise-dequantise round trip of one plane (w, h multiples of 8), in place. */
function dctQuantise(plane: Float32Array, w: number, h: number, table: readonly number[]): void {
  const blk = new Float64Array(64);
  const co = new Float64Array(64);
  for (let by = 0; by < h; by += 8) {
    for (let bx = 0; bx < w; bx += 8) {
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++) blk[y * 8 + x] = (plane[(by + y) * w + bx + x] as number) - 128;
      for (let v = 0; v < 8; v++)
        for (let u = 0; u < 8; u++) {
          let s = 0;
          for (let y = 0; y < 8; y++)
            for (let x = 0; x < 8; x++)
              s +=
                (blk[y * 8 + x] as number) *
                (COS[x * 8 + u] as number) *
                (COS[y * 8 + v] as number);
          const q = table[v * 8 + u] as number;
          co[v * 8 + u] = Math.round(s / 4 / q) * q;
        }
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++) {
          let s = 0;
          for (let v = 0; v < 8; v++)
            for (let u = 0; u < 8; u++)
              s +=
                (co[v * 8 + u] as number) * (COS[x * 8 + u] as number) * (COS[y * 8 + v] as number);
          plane[(by + y) * w + bx + x] = s / 4 + 128;
        }
    }
  }
}

/**
 * JPEG's lossy steps on an RGB float image (size a multiple of 16): JFIF YCbCr, 4:2:0
 * chroma (2x2 means, replicated back), 8x8 DCT quantisation at `quality` (1-100).
 */
export function jpegArtefacts(img: Float32Array, size: number, quality: number): Float32Array {
  const n = size * size;
  const Y = new Float32Array(n);
  const half = size / 2;
  const Cb = new Float32Array(half * half);
  const Cr = new Float32Array(half * half);
  for (let p = 0; p < n; p++) {
    const r = (img[p * 3] as number) * 255;
    const g = (img[p * 3 + 1] as number) * 255;
    const b = (img[p * 3 + 2] as number) * 255;
    Y[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    const x = p % size;
    const y = Math.floor(p / size);
    const c = (y >> 1) * half + (x >> 1);
    Cb[c] = (Cb[c] as number) + (128 - 0.168736 * r - 0.331264 * g + 0.5 * b) / 4;
    Cr[c] = (Cr[c] as number) + (128 + 0.5 * r - 0.418688 * g - 0.081312 * b) / 4;
  }
  dctQuantise(Y, size, size, jpegTable(JPEG_LUMA, quality));
  const ct = jpegTable(JPEG_CHROMA, quality);
  dctQuantise(Cb, half, half, ct);
  dctQuantise(Cr, half, half, ct);
  const out = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    const x = p % size;
    const y = Math.floor(p / size);
    const c = (y >> 1) * half + (x >> 1);
    const yy = Y[p] as number;
    const cb = (Cb[c] as number) - 128;
    const cr = (Cr[c] as number) - 128;
    out[p * 3] = Math.min(1, Math.max(0, (yy + 1.402 * cr) / 255));
    out[p * 3 + 1] = Math.min(1, Math.max(0, (yy - 0.344136 * cb - 0.714136 * cr) / 255));
    out[p * 3 + 2] = Math.min(1, Math.max(0, (yy + 1.772 * cb) / 255));
  }
  return out;
}

export interface RenderInfo {
  path: RenderPath;
  blur?: number;
  noise?: number;
  jpeg?: number;
}

function pickPath(rng: Rng): RenderPath {
  let r = rng.next();
  for (const p of RENDER_PATHS) {
    r -= PATH_WEIGHTS[p];
    if (r < 0) return p;
  }
  return "direct";
}

/** Generates domain-randomised scene `index`: its record, and its RGB bytes into `image`. */
export function generateSceneDR(
  ctx: SceneContext,
  categories: ReadonlyMap<string, Category>,
  splitSeed: number,
  index: number,
  image: Uint8Array,
): SceneRecord & { render: RenderInfo } {
  const seed = sceneSeed(splitSeed, index);
  const { spec, layers } = sampleSceneWithLayers(ctx, index, seed, DR_LAYOUT);
  const rng = new Rng(hash32(seed ^ 0x2545f491));
  const at64 = renderScene(spec, IMAGE_SIZE, ctx.sprites, categories, layers);
  const path = pickPath(rng);
  const info: RenderInfo = { path };
  let rgb = at64.rgb;
  if (path !== "direct") {
    const n = PATH_SIZE[path];
    const big = renderScene(spec, n, ctx.sprites, categories).rgb;
    rgb =
      path === "point2" ? pointSample(big, n, 2, rng.int(0, 1)) : areaResample(big, n, IMAGE_SIZE);
  }
  if (rng.chance(0.25)) {
    info.blur = Math.round(rng.uniform(0.3, 1.1) * 100) / 100;
    rgb = gaussianBlur(rgb, IMAGE_SIZE, info.blur);
  }
  if (rng.chance(0.3)) {
    info.noise = Math.round(rng.uniform(0.01, 0.04) * 1000) / 1000;
    const noisy = new Float32Array(rgb.length);
    for (let i = 0; i < rgb.length; i++)
      noisy[i] = Math.min(
        1,
        Math.max(0, (rgb[i] as number) + rng.normal() * (info.noise as number)),
      );
    rgb = noisy;
  }
  if (rng.chance(0.3)) {
    info.jpeg = rng.int(25, 90);
    rgb = jpegArtefacts(rgb, IMAGE_SIZE, info.jpeg);
  }
  toUint8(rgb, image);
  return { ...buildRecord(spec, at64), render: info };
}
