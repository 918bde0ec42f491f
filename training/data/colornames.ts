/**
 * Named colours for colours drawn from the whole colour space (domain-randomised data
 * and the robustness set).
 *
 * The answer to "What color is the background?" is one of the 11 colour words of the
 * question table. Any sRGB colour is named by its nearest prototype in CIELAB (D65, CIE76
 * distance, i.e. Euclidean in L*a*b*); each name has a few prototypes (light / mid /
 * dark shades), so a name covers a region of colour space with a sensible shape rather
 * than a sphere. The table is NAMED_COLOR_PROTOTYPES below and is printed in
 * training/data/README.md ("Colour names for free colours").
 *
 * A colour is *ambiguous* when the nearest prototype of a different name is less than
 * AMBIGUITY_MARGIN (Delta E) farther than the nearest one; generators resample such
 * background colours so the answer is well defined. A background of several colours
 * (gradient, texture, translucent shapes) is named by the name most of its pixels get
 * (`dominantColorName`), and generators require that name to cover at least
 * MIN_DOMINANT_SHARE of the background.
 */
import type { RGB } from "./palette.ts";

/** sRGB 0..255 prototypes of each colour word. */
export const NAMED_COLOR_PROTOTYPES: Readonly<Record<string, readonly (readonly number[])[]>> = {
  red: [
    [200, 30, 35],
    [240, 45, 40],
    [150, 20, 25],
  ],
  orange: [
    [245, 130, 30],
    [255, 165, 45],
    [215, 105, 20],
  ],
  yellow: [
    [250, 220, 50],
    [255, 245, 120],
    [225, 195, 20],
  ],
  green: [
    [50, 170, 60],
    [115, 200, 70],
    [25, 105, 45],
    [150, 225, 140],
    [20, 160, 125],
  ],
  blue: [
    [40, 90, 220],
    [90, 160, 240],
    [20, 40, 130],
    [145, 200, 250],
    [30, 170, 215],
  ],
  purple: [
    [130, 60, 190],
    [85, 35, 125],
    [180, 135, 225],
    [150, 60, 160],
  ],
  pink: [
    [245, 150, 190],
    [235, 80, 160],
    [255, 200, 215],
  ],
  brown: [
    [125, 75, 35],
    [85, 50, 25],
    [165, 115, 65],
  ],
  gray: [
    [128, 128, 128],
    [90, 90, 90],
    [172, 172, 172],
  ],
  white: [
    [250, 250, 250],
    [228, 228, 228],
  ],
  black: [
    [12, 12, 12],
    [45, 45, 45],
  ],
};

/** Delta E (CIE76) by which the nearest other name must be farther. */
export const AMBIGUITY_MARGIN = 4;
/** Share of the background pixels its dominant name must have. */
export const MIN_DOMINANT_SHARE = 0.5;

function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

/** sRGB (0..1) -> CIELAB (D65). */
export function rgbToLab([r, g, b]: RGB): [number, number, number] {
  const lr = srgbToLinear(r);
  const lg = srgbToLinear(g);
  const lb = srgbToLinear(b);
  const x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047;
  const y = 0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb;
  const z = (0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

const PROTOS: { name: string; lab: [number, number, number] }[] = Object.entries(
  NAMED_COLOR_PROTOTYPES,
).flatMap(([name, list]) =>
  list.map((p) => ({
    name,
    lab: rgbToLab([(p[0] as number) / 255, (p[1] as number) / 255, (p[2] as number) / 255]),
  })),
);

export interface ColorNaming {
  name: string;
  /** Delta E to the nearest prototype. */
  distance: number;
  /** Delta E to the nearest prototype of another name, minus `distance`. */
  margin: number;
}

/** Exact nearest-prototype naming of one colour (0..1 sRGB). */
export function nameColor(rgb: RGB): ColorNaming {
  const [L, a, b] = rgbToLab(rgb);
  let best = Infinity;
  let bestName = "";
  const byName = new Map<string, number>();
  for (const p of PROTOS) {
    const d = Math.hypot(L - p.lab[0], a - p.lab[1], b - p.lab[2]);
    if (d < (byName.get(p.name) ?? Infinity)) byName.set(p.name, d);
    if (d < best) {
      best = d;
      bestName = p.name;
    }
  }
  let second = Infinity;
  for (const [n, d] of byName) if (n !== bestName && d < second) second = d;
  return { name: bestName, distance: best, margin: second - best };
}

const memo = new Map<number, string>();

/** Name of an 8-bit colour (memoised by its 24-bit value; same answer as nameColor). */
export function nameBytes(r: number, g: number, b: number): string {
  const key = (r << 16) | (g << 8) | b;
  let n = memo.get(key);
  if (n === undefined) {
    n = nameColor([r / 255, g / 255, b / 255]).name;
    if (memo.size > 1 << 20) memo.clear();
    memo.set(key, n);
  }
  return n;
}

const to8 = (c: number) => Math.round(Math.min(1, Math.max(0, c)) * 255);

/**
 * The name most pixels of `rgb` (floats 0..1, size*size*3) get, and its share. Pixels are
 * rounded to 8 bits first, as they are stored.
 */
export function dominantColorName(rgb: Float32Array): { name: string; share: number } {
  const counts = new Map<string, number>();
  const n = rgb.length / 3;
  for (let p = 0; p < n; p++) {
    const name = nameBytes(
      to8(rgb[p * 3] as number),
      to8(rgb[p * 3 + 1] as number),
      to8(rgb[p * 3 + 2] as number),
    );
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  let name = "";
  let best = -1;
  for (const [k, v] of counts) {
    if (v > best) {
      best = v;
      name = k;
    }
  }
  return { name, share: best / n };
}
