import { describe, expect, it } from "vitest";
import { TRAIN_STYLES } from "./categories.ts";
import { drawSprite, newLayer } from "./composite.ts";
import { COLOR_NAMES, inRegion, PALETTE, sampleColor } from "./palette.ts";
import { Rng, sceneSeed } from "./prng.ts";
import { QUESTION_TYPES } from "./questions.ts";
import { buildRecord } from "./record.ts";
import { GRID, IMAGE_SIZE, renderScene, sampleScene, type SceneSpec } from "./scene.ts";
import { CATEGORY_BY_NAME, makeContext } from "./split.ts";
import { SpriteCache } from "./sprites.ts";

const sprites = new SpriteCache();
const ctx = makeContext(TRAIN_STYLES, sprites);
const SEED = 21;
const N = 150;
const scenes = Array.from({ length: N }, (_, i) => {
  const spec = sampleScene(ctx, i, sceneSeed(SEED, i));
  return {
    spec,
    record: buildRecord(spec, renderScene(spec, IMAGE_SIZE, sprites, CATEGORY_BY_NAME)),
  };
});

/**
 * Independent coverage: composite a white silhouette of the main object over black,
 * with every distractor as a black silhouette in its depth order, channel by channel;
 * the result is the main object's visible alpha. Then average each 8x8 patch by
 * explicit pixel loops.
 */
function bruteForceCoverage(spec: SceneSpec): number[] {
  const S = IMAGE_SIZE;
  const alphaOf = (category: string, obj: SceneSpec["main"]) => {
    const layer = newLayer(S);
    drawSprite(
      sprites.get(CATEGORY_BY_NAME.get(category)!, obj.style),
      obj.placement,
      S,
      layer,
      obj.tint,
    );
    return (x: number, y: number) => layer[(y * S + x) * 4 + 3] as number;
  };
  const main = alphaOf(spec.main.category, spec.main);
  const behind = spec.distractors.filter((d) => !d.front).map((d) => alphaOf(d.category, d));
  const front = spec.distractors.filter((d) => d.front).map((d) => alphaOf(d.category, d));
  const white = new Float64Array(S * S);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      let v = 0;
      for (const d of behind) v = 0 * d(x, y) + v * (1 - d(x, y));
      v = 1 * main(x, y) + v * (1 - main(x, y));
      for (const d of front) v = 0 * d(x, y) + v * (1 - d(x, y));
      white[y * S + x] = v;
    }
  }
  const P = S / GRID;
  const out: number[] = [];
  for (let gy = 0; gy < GRID; gy++) {
    for (let gx = 0; gx < GRID; gx++) {
      let sum = 0;
      for (let y = gy * P; y < (gy + 1) * P; y++)
        for (let x = gx * P; x < (gx + 1) * P; x++) sum += white[y * S + x] as number;
      out.push(sum / (P * P));
    }
  }
  return out;
}

describe("scenes", () => {
  it("patchCoverage matches a brute-force count, occlusion included", () => {
    const occluded = scenes.filter(({ spec }) => spec.distractors.some((d) => d.front)).slice(0, 4);
    const plain = scenes.filter(({ spec }) => spec.distractors.length === 0).slice(0, 2);
    expect(occluded.length).toBe(4);
    let sawOcclusion = false;
    for (const { spec, record } of [...occluded, ...plain]) {
      const expected = bruteForceCoverage(spec);
      expect(record.patchCoverage).toHaveLength(GRID * GRID);
      record.patchCoverage.forEach((c, k) => expect(c).toBeCloseTo(expected[k] as number, 3));
      // Unoccluded coverage differs where a front distractor overlaps the main object.
      const layer = newLayer(IMAGE_SIZE);
      drawSprite(
        sprites.get(CATEGORY_BY_NAME.get(spec.main.category)!, spec.style),
        spec.main.placement,
        IMAGE_SIZE,
        layer,
        spec.main.tint,
      );
      let full = 0;
      for (let p = 0; p < IMAGE_SIZE * IMAGE_SIZE; p++) full += layer[p * 4 + 3] as number;
      const visible = expected.reduce((a, b) => a + b, 0) * 64;
      if (full - visible > 1) sawOcclusion = true;
      // At most 15% of the main object may be hidden.
      expect(visible / full).toBeGreaterThan(0.84);
    }
    expect(sawOcclusion).toBe(true);
  });

  it("answers are correct by construction", () => {
    const third = IMAGE_SIZE / 3;
    for (const { spec, record } of scenes) {
      const qa = Object.fromEntries(record.qa.map((q) => [q.type, q]));
      expect(record.qa.map((q) => q.type)).toEqual(QUESTION_TYPES.map((q) => q.id));
      expect(qa.object?.answer).toBe(record.category);
      expect(qa.color?.answer).toBe(record.background.color);
      expect(inRegion(record.background.color, spec.background.rgb)).toBe(true);
      expect(inRegion(record.background.color, spec.background.rgb2)).toBe(true);
      const cx = (record.box[0] + record.box[2]) / 2;
      expect(qa.position?.answer).toBe(cx < third ? "left" : cx < 2 * third ? "middle" : "right");
      const inScene = new Set([record.category, ...record.distractors.map((d) => d.category)]);
      const named = /Is there a (\w+) in the image\?/.exec(qa.exists?.question ?? "")?.[1];
      expect(named).toBeDefined();
      expect(qa.exists?.answer).toBe(inScene.has(named!) ? "yes" : "no");
      // The main object is clearly the largest, and distractors are other categories.
      for (const d of spec.distractors) {
        expect(d.category).not.toBe(record.category);
        expect(d.placement.extent).toBeLessThan(spec.main.placement.extent * 0.66);
      }
      expect(record.box[0]).toBeGreaterThanOrEqual(0);
      expect(record.box[2]).toBeLessThanOrEqual(IMAGE_SIZE);
    }
  });

  it("balances styles, positions and exists answers", () => {
    const count = (f: (r: (typeof scenes)[number]["record"]) => string) => {
      const m = new Map<string, number>();
      for (const { record } of scenes) m.set(f(record), (m.get(f(record)) ?? 0) + 1);
      return m;
    };
    for (const n of count((r) => r.style).values()) expect(n).toBe(N / TRAIN_STYLES.length);
    const pos = count((r) => r.qa[2]!.answer);
    for (const p of ["left", "middle", "right"])
      expect(pos.get(p) ?? 0).toBeGreaterThan(N / 3 - 20);
    const yes = count((r) => r.qa[3]!.answer).get("yes") ?? 0;
    expect(yes).toBeGreaterThan(N / 2 - 20);
    expect(yes).toBeLessThan(N / 2 + 20);
  });

  it("keeps the named colour regions disjoint", () => {
    const rng = new Rng(5);
    for (const name of COLOR_NAMES) {
      for (let i = 0; i < 300; i++) {
        const rgb = sampleColor(name, rng);
        const matches = Object.keys(PALETTE).filter((other) => inRegion(other, rgb));
        expect(matches).toEqual([name]);
      }
    }
  });
});
