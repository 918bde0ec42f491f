import { describe, expect, it } from "vitest";
import { chooseEntryLayers, entryFor } from "./entry-layers";

describe("chooseEntryLayers", () => {
  it("takes every layer when the budget holds them all", () => {
    const sizes = [40, 30, 20, 10];
    expect(chooseEntryLayers({ sizes, budgetBytes: 100, untouched: 0.85 })).toEqual([0, 1, 2, 3]);
  });

  it("takes layer 0 first, then the layers worth most skipped layers per byte", () => {
    // Odds of first ablated layer f: 0.5^f * 0.5 (0.25, 0.125, 0.0625 for f = 1, 2, 3).
    // After {0}: layer 1 skips one layer for f >= 1, 0.4375 / 10 per byte, the best; then
    // layer 2 (one more for f >= 2: 0.1875 / 30) beats layer 3 (two more for f = 3:
    // 0.125 / 30), and the budget is spent.
    const sizes = [40, 10, 30, 30];
    expect(chooseEntryLayers({ sizes, budgetBytes: 80, untouched: 0.5 })).toEqual([0, 1, 2]);
    // Layer 0 does not fit: masks first ablating it run the whole decoder.
    expect(chooseEntryLayers({ sizes, budgetBytes: 39, untouched: 0.5 })).toEqual([1]);
    // Graphs that do not cut the logits: layer 0 would be the whole decoder again.
    const uncut = { sizes, budgetBytes: 80, untouched: 0.5, finalOnly: false };
    expect(chooseEntryLayers(uncut)).toEqual([1, 2, 3]);
    expect(chooseEntryLayers({ sizes: [40, null, 20], budgetBytes: 1e9, untouched: 0.5 })).toEqual([
      0, 2,
    ]);
  });

  it("enters at the latest chosen layer at or below the first ablated one", () => {
    expect([0, 1, 2, 3, 4].map((f) => entryFor([1, 3], f))).toEqual([-1, 1, 1, 3, 3]);
  });
});
