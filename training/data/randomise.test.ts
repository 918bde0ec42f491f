// Domain-randomised scenes (randomise.ts) and the colour-name table (colornames.ts),
// checked against independent computations.
import { describe, expect, it } from "vitest";
import { renderBackground } from "./backgrounds.ts";
import {
  AMBIGUITY_MARGIN,
  dominantColorName,
  MIN_DOMINANT_SHARE,
  NAMED_COLOR_PROTOTYPES,
  nameColor,
} from "./colornames.ts";
import { TRAIN_STYLES } from "./categories.ts";
import { Rng } from "./prng.ts";
import { positionOf } from "./questions.ts";
import {
  areaResample,
  gaussianBlur,
  generateSceneDR,
  jpegArtefacts,
  sampleBackgroundDR,
} from "./randomise.ts";
import { CATEGORY_BY_NAME, makeContext } from "./split.ts";

// An independent sRGB -> Lab (textbook constants: D65 white 95.047/100/108.883, the
// 0.008856 / 7.787 form of f) and brute-force nearest name.
function lab(r: number, g: number, b: number): number[] {
  const lin = (c: number) => (c > 0.04045 ? ((c + 0.055) / 1.055) ** 2.4 : c / 12.92);
  const [R, G, B] = [lin(r) * 100, lin(g) * 100, lin(b) * 100];
  const X = R * 0.4124 + G * 0.3576 + B * 0.1805;
  const Y = R * 0.2126 + G * 0.7152 + B * 0.0722;
  const Z = R * 0.0193 + G * 0.1192 + B * 0.9505;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const [fx, fy, fz] = [f(X / 95.047), f(Y / 100), f(Z / 108.883)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}
function bruteName(r: number, g: number, b: number): { name: string; gap: number } {
  const p = lab(r, g, b);
  const best = new Map<string, number>();
  for (const [name, list] of Object.entries(NAMED_COLOR_PROTOTYPES))
    for (const q of list) {
      const l = lab((q[0] as number) / 255, (q[1] as number) / 255, (q[2] as number) / 255);
      const d = Math.sqrt(l.reduce((s, v, i) => s + (v - (p[i] as number)) ** 2, 0));
      best.set(name, Math.min(best.get(name) ?? Infinity, d));
    }
  const sorted = [...best.entries()].sort((x, y) => x[1] - y[1]);
  return {
    name: sorted[0]?.[0] as string,
    gap: (sorted[1]?.[1] as number) - (sorted[0]?.[1] as number),
  };
}

describe("colour names", () => {
  it("nameColor equals a brute-force nearest prototype in an independent Lab", () => {
    const rng = new Rng(7);
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      const c: [number, number, number] = [rng.next(), rng.next(), rng.next()];
      const b = bruteName(...c);
      if (b.gap < 0.05) continue; // numerical ties of the two Lab implementations
      const n = nameColor(c);
      expect(n.name, `colour ${c}`).toBe(b.name);
      expect(Math.abs(n.margin - b.gap)).toBeLessThan(0.05);
      compared++;
    }
    expect(compared).toBeGreaterThan(2950);
  });

  it("every prototype is named by its own name, unambiguously", () => {
    for (const [name, list] of Object.entries(NAMED_COLOR_PROTOTYPES))
      for (const p of list) {
        const n = nameColor([
          (p[0] as number) / 255,
          (p[1] as number) / 255,
          (p[2] as number) / 255,
        ]);
        expect(n.name).toBe(name);
        expect(n.margin).toBeGreaterThanOrEqual(AMBIGUITY_MARGIN);
      }
  });

  it("domain-randomised backgrounds are dominated by the colour they answer", () => {
    const px = new Float32Array(64 * 64 * 3);
    const kinds = new Set<string>();
    for (let s = 0; s < 60; s++) {
      const rng = new Rng(1000 + s);
      const bg = sampleBackgroundDR(rng);
      kinds.add(bg.kind);
      renderBackground(bg, 64, px);
      // independent count with the brute-force namer
      let same = 0;
      for (let p = 0; p < 64 * 64; p++) {
        const q = [0, 1, 2].map((k) => Math.round((px[p * 3 + k] as number) * 255) / 255);
        if (bruteName(q[0] as number, q[1] as number, q[2] as number).name === bg.color) same++;
      }
      expect(same / 4096, `${bg.kind} ${bg.color}`).toBeGreaterThanOrEqual(
        MIN_DOMINANT_SHARE - 0.01,
      );
      expect(dominantColorName(px).name).toBe(bg.color);
    }
    expect(kinds.size).toBeGreaterThanOrEqual(6);
  });
});

describe("domain-randomised scenes", () => {
  const ctx = makeContext(TRAIN_STYLES);
  it("are deterministic, and their answers follow from the record", () => {
    const a = new Uint8Array(64 * 64 * 3);
    const b = new Uint8Array(64 * 64 * 3);
    const paths = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const r1 = generateSceneDR(ctx, CATEGORY_BY_NAME, 11, i, a);
      const r2 = generateSceneDR(ctx, CATEGORY_BY_NAME, 11, i, b);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      expect(JSON.stringify(r1)).toBe(JSON.stringify(r2));
      paths.add(r1.render.path);
      expect(r1.scale).toBeGreaterThanOrEqual(0.2 * 0.92 ** 16 - 1e-9);
      expect(r1.scale).toBeLessThanOrEqual(0.9);
      const qa = Object.fromEntries(r1.qa.map((q) => [q.type, q.answer]));
      expect(qa.object).toBe(r1.category);
      expect(qa.color).toBe(r1.background.color);
      expect(qa.position).toBe(positionOf(r1.box, 64));
      const inScene = [r1.category, ...r1.distractors.map((d) => d.category)];
      const asked = r1.qa[3]?.question.replace(/^Is there a (\S+) in the image\? .*$/, "$1");
      expect(qa.exists).toBe(inScene.includes(asked as string) ? "yes" : "no");
    }
    expect(paths.size).toBeGreaterThanOrEqual(3);
  });

  it("resampling and post-processing behave", () => {
    const rng = new Rng(3);
    const n = 96;
    const img = new Float32Array(n * n * 3).map(() => rng.next());
    const down = areaResample(img, n, 64);
    const mean = (x: Float32Array) => x.reduce((s, v) => s + v, 0) / x.length;
    expect(Math.abs(mean(down) - mean(img))).toBeLessThan(1e-4); // area weights sum to one
    const flat = new Float32Array(64 * 64 * 3).fill(0.3);
    expect(
      gaussianBlur(flat, 64, 0.8).reduce((worst, v) => Math.max(worst, Math.abs(v - 0.3)), 0),
    ).toBeLessThan(1e-5);
    const smooth = gaussianBlur(areaResample(img, n, 64), 64, 1.5);
    const err = (q: number) => {
      const j = jpegArtefacts(smooth, 64, q);
      return Math.sqrt(j.reduce((s, v, i) => s + (v - (smooth[i] as number)) ** 2, 0) / j.length);
    };
    expect(err(95)).toBeLessThan(0.02);
    expect(err(25)).toBeGreaterThan(err(95));
  });
});
