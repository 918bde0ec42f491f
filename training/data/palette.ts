/**
 * Named background colours. Each name is a region of HSV space; every background colour
 * (both colours of a gradient or texture) is drawn from one region, so the one-word
 * answer to "What color is the background?" is unambiguous by construction. The regions
 * are kept apart (no borderline orange-red or gray-white) for the same reason.
 */
import type { Rng } from "./prng.ts";

export type RGB = [number, number, number]; // 0..1

interface Region {
  /** Hue range in degrees (lo may be negative to wrap around red). */
  h: [number, number];
  s: [number, number];
  v: [number, number];
}

export const PALETTE: Readonly<Record<string, Region>> = {
  red: { h: [-8, 6], s: [0.7, 0.95], v: [0.65, 0.95] },
  orange: { h: [24, 36], s: [0.8, 1], v: [0.9, 1] },
  yellow: { h: [50, 60], s: [0.65, 0.95], v: [0.9, 1] },
  green: { h: [100, 140], s: [0.5, 0.85], v: [0.45, 0.8] },
  blue: { h: [208, 232], s: [0.6, 0.9], v: [0.6, 0.95] },
  purple: { h: [268, 288], s: [0.45, 0.75], v: [0.45, 0.75] },
  pink: { h: [322, 342], s: [0.3, 0.55], v: [0.92, 1] },
  brown: { h: [20, 32], s: [0.6, 0.8], v: [0.3, 0.48] },
  gray: { h: [0, 360], s: [0, 0.05], v: [0.42, 0.6] },
  white: { h: [0, 360], s: [0, 0.04], v: [0.93, 1] },
  black: { h: [0, 360], s: [0, 0.1], v: [0, 0.13] },
};

export const COLOR_NAMES: readonly string[] = Object.keys(PALETTE);

export function hsvToRgb(h: number, s: number, v: number): RGB {
  const hh = (((h % 360) + 360) % 360) / 60;
  const c = v * s;
  const x = c * (1 - Math.abs((hh % 2) - 1));
  const m = v - c;
  const [r, g, b] =
    hh < 1
      ? [c, x, 0]
      : hh < 2
        ? [x, c, 0]
        : hh < 3
          ? [0, c, x]
          : hh < 4
            ? [0, x, c]
            : hh < 5
              ? [x, 0, c]
              : [c, 0, x];
  return [r + m, g + m, b + m];
}

export function rgbToHsv([r, g, b]: RGB): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = 60 * (((g - b) / d) % 6);
    else if (max === g) h = 60 * ((b - r) / d + 2);
    else h = 60 * ((r - g) / d + 4);
  }
  return [(h + 360) % 360, max === 0 ? 0 : d / max, max];
}

/** A random colour inside the named region. */
export function sampleColor(name: string, rng: Rng): RGB {
  const region = PALETTE[name];
  if (!region) throw new Error(`unknown colour name ${name}`);
  return hsvToRgb(rng.uniform(...region.h), rng.uniform(...region.s), rng.uniform(...region.v));
}

/** True if `rgb` lies in the named region (used by tests and by self-checks). */
export function inRegion(name: string, rgb: RGB, tolerance = 1e-6): boolean {
  const region = PALETTE[name];
  if (!region) return false;
  const [h, s, v] = rgbToHsv(rgb);
  const inRange = (x: number, [lo, hi]: [number, number]) =>
    x >= lo - tolerance && x <= hi + tolerance;
  if (!inRange(s, region.s) || !inRange(v, region.v)) return false;
  // Hue is meaningless for (near-)achromatic colours and for black.
  if (region.h[1] - region.h[0] >= 360 || s < 0.02 || v < 0.02) return true;
  return inRange(h, region.h) || inRange(h - 360, region.h) || inRange(h + 360, region.h);
}

/** Perceptual-ish brightness of an sRGB colour (Rec. 601 luma). */
export function luma([r, g, b]: RGB): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

export function toBytes(rgb: RGB): [number, number, number] {
  return rgb.map((c) => Math.round(Math.min(1, Math.max(0, c)) * 255)) as [number, number, number];
}
