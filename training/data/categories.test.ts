import { describe, expect, it } from "vitest";
import {
  CATEGORIES,
  categoriesFor,
  EXTRA_TRAIN_STYLES,
  MIN_EXTRA_COVERAGE,
  MONOCHROME_STYLES,
  OOD_STYLES,
  TRAIN_STYLES,
  verifyCategories,
} from "./categories.ts";
import { iconSvg, loadIconSet, resolveIcon } from "./iconify.ts";
import { alphaBox, rasteriseIcon } from "./sprites.ts";
import { iconFor } from "./categories.ts";
import { Resvg } from "@resvg/resvg-js";

describe("category table", () => {
  it("has at least 100 one-word categories present in all five training styles", () => {
    expect(CATEGORIES.length).toBeGreaterThanOrEqual(100);
    expect(() => verifyCategories(TRAIN_STYLES)).not.toThrow();
    for (const style of TRAIN_STYLES) expect(categoriesFor(style)).toHaveLength(CATEGORIES.length);
  });

  it("keeps most categories drawable in the reserved out-of-style sets", () => {
    for (const style of OOD_STYLES) {
      const drawable = categoriesFor(style);
      expect(drawable.length).toBeGreaterThanOrEqual(100);
      // Each must render (a resvg panic would abort the whole generator).
      for (const c of drawable)
        expect(alphaBox(rasteriseIcon(style, iconFor(c, style), 32), 32)).toBeDefined();
    }
  });

  it("draws most categories, in colour, in each extra training-only set", () => {
    expect(() => verifyCategories([...TRAIN_STYLES, ...EXTRA_TRAIN_STYLES])).not.toThrow();
    for (const style of EXTRA_TRAIN_STYLES) {
      const drawable = categoriesFor(style);
      expect(drawable.length / CATEGORIES.length, style).toBeGreaterThanOrEqual(MIN_EXTRA_COVERAGE);
      // Not monochrome: no drawn icon paints with currentColor (that would need a tint).
      expect(MONOCHROME_STYLES.has(style)).toBe(false);
      for (const c of drawable) {
        const icon = resolveIcon(style, iconFor(c, style));
        expect(icon?.body, `${style}/${c.name}`).not.toContain("currentColor");
      }
    }
    // The whole set, so a package update that adds a monochrome icon is noticed too.
    for (const style of EXTRA_TRAIN_STYLES) {
      const bodies = Object.values(loadIconSet(style).icons).map((i) => i.body);
      expect(
        bodies.filter((b) => b.includes("currentColor")),
        style,
      ).toEqual([]);
    }
  });

  it("renders every category non-empty in every training style", () => {
    const size = 32; // small raster: this checks the icon draws, not its detail
    for (const style of [...TRAIN_STYLES, ...EXTRA_TRAIN_STYLES]) {
      for (const c of categoriesFor(style)) {
        const rgba = rasteriseIcon(style, iconFor(c, style), size);
        const box = alphaBox(rgba, size);
        expect(box, `${style}/${c.name}`).toBeDefined();
        let covered = 0;
        for (let p = 3; p < rgba.length; p += 4) covered += (rgba[p] as number) / 255;
        expect(covered / (size * size), `${style}/${c.name} coverage`).toBeGreaterThan(0.03);
      }
    }
  });
});

describe("iconify", () => {
  it("resolves aliases with their flips", () => {
    const icon = resolveIcon("fluent-emoji-flat", "backhand-index-pointing-right");
    expect(icon?.hFlip).toBe(true);
    expect(resolveIcon("twemoji", "no-such-icon-anywhere")).toBeUndefined();
  });

  it("draws monochrome icons in the requested colour instead of currentColor", () => {
    const style = [...MONOCHROME_STYLES][0];
    expect(style).toBeDefined();
    const icon = resolveIcon(style!, "cat");
    expect(icon).toBeDefined();
    const svg = iconSvg(icon!, 32, "#ff0000");
    expect(svg).not.toContain("currentColor");
    const px = new Resvg(svg).render().pixels;
    let red = 0;
    let other = 0;
    for (let p = 0; p < px.length; p += 4) {
      if ((px[p + 3] as number) < 250) continue;
      if ((px[p] as number) > 240 && (px[p + 1] as number) < 15) red++;
      else other++;
    }
    expect(red).toBeGreaterThan(20);
    expect(other).toBe(0);
  });
});
