/**
 * Scene backgrounds: solid, gradient, noise and three textures (stripes, checks, dots).
 *
 * A background is a small spec (kind, colour name, two colours from that name's region,
 * geometry) drawn in normalised image coordinates, so one spec renders the same picture
 * at 64 px for the data set and at a larger size for the gallery. Both colours come from
 * the same named region, so the named colour stays the answer whatever the pattern.
 */
import { COLOR_NAMES, type RGB, sampleColor } from "./palette.ts";
import { hash32, type Rng } from "./prng.ts";

export const BACKGROUND_KINDS = [
  "solid",
  "gradient",
  "noise",
  "stripes",
  "checks",
  "dots",
] as const;
/**
 * Kinds only the domain-randomised data draws (training/data/randomise.ts): a radial
 * gradient, and a base colour under translucent circles or translucent polygons
 * (`overlays`). Kept out of BACKGROUND_KINDS, which the default splits' info.json lists.
 */
export const DR_BACKGROUND_KINDS = [...BACKGROUND_KINDS, "radial", "circles", "shapes"] as const;
export type BackgroundKind = (typeof DR_BACKGROUND_KINDS)[number];

/** A translucent shape drawn over the background (normalised image coordinates). */
export interface Overlay {
  shape: "circle" | "rect" | "triangle";
  cx: number;
  cy: number;
  /** Radius (circle) or half-extent (rect, triangle). */
  r: number;
  /** Rotation in radians (rect, triangle). */
  angle: number;
  rgb: RGB;
  alpha: number;
}

/** Sampling weights of the kinds: half plain (solid/gradient/noise), half textured. */
const KIND_WEIGHTS: Readonly<Record<(typeof BACKGROUND_KINDS)[number], number>> = {
  solid: 0.18,
  gradient: 0.18,
  noise: 0.18,
  stripes: 0.16,
  checks: 0.15,
  dots: 0.15,
};

export interface BackgroundSpec {
  kind: BackgroundKind;
  color: string;
  /** Main colour (0..1). */
  rgb: RGB;
  /** Second colour of gradients, noise and textures (same named region). */
  rgb2: RGB;
  /** Direction of gradient / stripes / texture grid (radians). */
  angle: number;
  /** Texture period, in units of the image side. */
  period: number;
  /** Stripe duty cycle or dot radius (fraction of the period). */
  duty: number;
  /** Texture phase offsets (fraction of the period). */
  phase: [number, number];
  /** Amplitude of the per-pixel grain (noise kind), 0..1. */
  grain: number;
  /** Seed of the value noise lattice and the grain. */
  noiseSeed: number;
  /** Translucent shapes drawn over the pattern, in order (domain-randomised kinds only). */
  overlays?: Overlay[];
}

function pickKind(rng: Rng): BackgroundKind {
  let r = rng.next();
  for (const kind of BACKGROUND_KINDS) {
    r -= KIND_WEIGHTS[kind];
    if (r < 0) return kind;
  }
  return "dots";
}

export function sampleBackground(rng: Rng, color = rng.pick(COLOR_NAMES)): BackgroundSpec {
  const kind = pickKind(rng);
  const rgb = sampleColor(color, rng);
  const rgb2 = kind === "solid" ? rgb : sampleColor(color, rng);
  return {
    kind,
    color,
    rgb,
    rgb2,
    angle: rng.uniform(0, Math.PI),
    period: rng.uniform(0.07, 0.2),
    duty: kind === "dots" ? rng.uniform(0.15, 0.3) : rng.uniform(0.35, 0.65),
    phase: [rng.next(), rng.next()],
    grain: kind === "noise" ? rng.uniform(0.03, 0.08) : 0,
    noiseSeed: rng.nextU32(),
  };
}

/** Deterministic pseudo-random value in [0, 1) for an integer lattice point. */
function lattice(seed: number, i: number, j: number): number {
  return (
    hash32(seed ^ Math.imul(i + 1013, 0x9e3779b1) ^ Math.imul(j + 7919, 0x85ebca77)) / 4294967296
  );
}

/** Smooth value noise in [0, 1) on a lattice of `cells` cells per image side. */
function valueNoise(seed: number, u: number, v: number, cells: number): number {
  const x = u * cells;
  const y = v * cells;
  const i = Math.floor(x);
  const j = Math.floor(y);
  const fx = x - i;
  const fy = y - j;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const a = lattice(seed, i, j);
  const b = lattice(seed, i + 1, j);
  const c = lattice(seed, i, j + 1);
  const d = lattice(seed, i + 1, j + 1);
  return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
}

function frac(x: number): number {
  return x - Math.floor(x);
}

/**
 * Mix weight of rgb2 at normalised point (u, v). `ca`, `sa` are the cosine and sine of
 * spec.angle, passed in because this runs for every (sub)pixel.
 */
function patternWeight(spec: BackgroundSpec, u: number, v: number, ca: number, sa: number): number {
  const du = u - 0.5;
  const dv = v - 0.5;
  const a = du * ca + dv * sa; // along the direction
  switch (spec.kind) {
    case "solid":
      return 0;
    case "gradient":
      // Across the whole image: the ends are (nearly) the two colours.
      return Math.min(1, Math.max(0, a / 1.2 + 0.5));
    case "noise":
      return (
        valueNoise(spec.noiseSeed, u, v, 4) * 0.7 + valueNoise(spec.noiseSeed + 1, u, v, 9) * 0.3
      );
    case "stripes":
      return frac(a / spec.period + spec.phase[0]) < spec.duty ? 1 : 0;
    case "checks": {
      const b = -du * sa + dv * ca;
      const ci = Math.floor(a / spec.period + spec.phase[0]);
      const cj = Math.floor(b / spec.period + spec.phase[1]);
      return (ci + cj) & 1 ? 1 : 0;
    }
    case "dots": {
      const b = -du * sa + dv * ca;
      const fa = frac(a / spec.period + spec.phase[0]) - 0.5;
      const fb = frac(b / spec.period + spec.phase[1]) - 0.5;
      return fa * fa + fb * fb < spec.duty * spec.duty ? 1 : 0;
    }
    case "radial": {
      // Centre at phase (in the image), rgb at the centre, rgb2 from radius 4 * period on.
      const r = Math.hypot(u - spec.phase[0], v - spec.phase[1]) / (4 * spec.period);
      return Math.min(1, r);
    }
    case "circles":
    case "shapes":
      return 0;
  }
}

/** Coverage (0..1) of overlay `o` at normalised point (u, v). */
function overlayHit(o: Overlay, u: number, v: number): boolean {
  const du = u - o.cx;
  const dv = v - o.cy;
  if (o.shape === "circle") return du * du + dv * dv < o.r * o.r;
  const c = Math.cos(o.angle);
  const s = Math.sin(o.angle);
  const a = (du * c + dv * s) / o.r;
  const b = (-du * s + dv * c) / o.r;
  if (o.shape === "rect") return Math.abs(a) < 1 && Math.abs(b) < 0.6;
  // triangle: apex at b = -1, base at b = 0.8
  return b > -1 && b < 0.8 && Math.abs(a) < ((b + 1) / 1.8) * 1.1;
}

/** Alpha-blends the overlays over `out` (2x2 supersampled edges). */
function drawOverlays(overlays: readonly Overlay[], size: number, out: Float32Array): void {
  for (const o of overlays) {
    const x0 = Math.max(0, Math.floor((o.cx - 1.5 * o.r) * size));
    const x1 = Math.min(size - 1, Math.ceil((o.cx + 1.5 * o.r) * size));
    const y0 = Math.max(0, Math.floor((o.cy - 1.5 * o.r) * size));
    const y1 = Math.min(size - 1, Math.ceil((o.cy + 1.5 * o.r) * size));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        let hit = 0;
        for (let k = 0; k < 4; k++) {
          if (overlayHit(o, (x + 0.25 + 0.5 * (k & 1)) / size, (y + 0.25 + 0.5 * (k >> 1)) / size))
            hit++;
        }
        if (hit === 0) continue;
        const a = (o.alpha * hit) / 4;
        const i = (y * size + x) * 3;
        for (let ch = 0; ch < 3; ch++)
          out[i + ch] = (out[i + ch] as number) * (1 - a) + (o.rgb[ch] as number) * a;
      }
    }
  }
}

/**
 * Renders `spec` into `out` (size*size*3 floats, 0..1, row-major RGB). Hard-edged
 * textures are supersampled 3x3 so their edges are antialiased rather than jagged.
 */
export function renderBackground(spec: BackgroundSpec, size: number, out: Float32Array): void {
  const textured = spec.kind === "stripes" || spec.kind === "checks" || spec.kind === "dots";
  const ss = textured ? 3 : 1;
  const ca = Math.cos(spec.angle);
  const sa = Math.sin(spec.angle);
  const [r1, g1, b1] = spec.rgb;
  const [r2, g2, b2] = spec.rgb2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let w = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          w += patternWeight(
            spec,
            (x + (sx + 0.5) / ss) / size,
            (y + (sy + 0.5) / ss) / size,
            ca,
            sa,
          );
        }
      }
      w /= ss * ss;
      let r = r1 + (r2 - r1) * w;
      let g = g1 + (g2 - g1) * w;
      let b = b1 + (b2 - b1) * w;
      if (spec.grain > 0) {
        // Grain on the 64-grid whatever the output size, so the gallery matches the data.
        const gi = Math.floor(((x + 0.5) * 64) / size);
        const gj = Math.floor(((y + 0.5) * 64) / size);
        const n = (lattice(spec.noiseSeed ^ 0x5bd1e995, gi, gj) - 0.5) * 2 * spec.grain;
        r += n;
        g += n;
        b += n;
      }
      const o = (y * size + x) * 3;
      out[o] = Math.min(1, Math.max(0, r));
      out[o + 1] = Math.min(1, Math.max(0, g));
      out[o + 2] = Math.min(1, Math.max(0, b));
    }
  }
  if (spec.overlays) drawOverlays(spec.overlays, size, out);
}
