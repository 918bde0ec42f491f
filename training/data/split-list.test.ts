// Which art styles each named split draws: the extra training-only sets in train-dr alone,
// and every domain-randomised scene's objects from categories its style can draw.
import { describe, expect, it } from "vitest";
import {
  categoriesFor,
  EXTRA_TRAIN_STYLES,
  isExtraTrainStyle,
  type Style,
  TRAIN_STYLES,
} from "./categories.ts";
import { generateSceneDR } from "./randomise.ts";
import { CATEGORY_BY_NAME, makeContext } from "./split.ts";
import { DEFAULT_SPLITS, DR_SPLITS, styleProblem, TRAIN_DR_STYLES } from "./split-list.ts";

const ALL_SPLITS = [...DEFAULT_SPLITS, ...DR_SPLITS];

describe("split styles", () => {
  it("train-dr draws the five main styles and every extra training-only set", () => {
    const trainDr = DR_SPLITS.find((s) => s.name === "train-dr");
    expect(trainDr?.styles).toEqual([...TRAIN_STYLES, ...EXTRA_TRAIN_STYLES]);
    expect(new Set(TRAIN_DR_STYLES).size).toBe(TRAIN_DR_STYLES.length);
  });

  it("no other split, and no evaluation split, draws an extra style", () => {
    const names = ALL_SPLITS.map((s) => s.name);
    for (const name of ["heldout", "heldout-dr", "ood-emojione", "ood-noto-v1", "train"])
      expect(names).toContain(name);
    for (const split of ALL_SPLITS) {
      if (split.name === "train-dr") continue;
      expect(split.styles.filter(isExtraTrainStyle), split.name).toEqual([]);
      expect(styleProblem(split.name, split.styles), split.name).toBeUndefined();
    }
    // The generator refuses extra styles in an evaluation split named on the command line.
    for (const name of ["heldout", "heldout-dr", "ood-emojione", "reference", "robust"])
      expect(styleProblem(name, ["twemoji", "fxemoji"])).toMatch(/training-only/);
    expect(styleProblem("heldout", ["emojione"])).toMatch(/reserved/);
    expect(styleProblem("mine", ["fluent-emoji"])).toBeUndefined();
  });

  it("draws each scene's objects from the categories its style can draw", () => {
    const ctx = makeContext(TRAIN_DR_STYLES);
    const drawable = new Map(TRAIN_DR_STYLES.map((s) => [s, categoriesFor(s).map((c) => c.name)]));
    const image = new Uint8Array(64 * 64 * 3);
    const seen = new Set<string>();
    const n = 4 * TRAIN_DR_STYLES.length;
    for (let i = 0; i < n; i++) {
      const r = generateSceneDR(ctx, CATEGORY_BY_NAME, 11, i, image);
      expect(r.style).toBe(TRAIN_DR_STYLES[i % TRAIN_DR_STYLES.length]);
      seen.add(r.style);
      const pool = drawable.get(r.style as Style) ?? [];
      expect(pool, `${i} ${r.style}/${r.category}`).toContain(r.category);
      for (const d of r.distractors) {
        expect(d.style).toBe(r.style);
        expect(pool, `${i} distractor`).toContain(d.category);
      }
    }
    expect(seen.size).toBe(TRAIN_DR_STYLES.length);
  });
});
