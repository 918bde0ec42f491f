/** Attention vs causal effect: correlations against SciPy 1.17, outliers by the rank rule. */
import { describe, expect, it } from "vitest";
import { attentionVsEffect, minRankGap } from "./attention-vs-effect";
import { attributionOf } from "./trust-fixtures";

// scipy: ranks of -attention [1,7,3,4,8,2,6,5], of -effect [8,1,3,4,2,7,6,5];
// spearmanr -0.7380952380952381, pearsonr -0.6106204287764205.
const ATTENTION = [0.9, 0.05, 0.4, 0.3, 0.02, 0.6, 0.1, 0.2];
const EFFECT = [0.01, 0.8, 0.3, 0.25, 0.5, 0.02, 0.05, 0.1];

describe("attentionVsEffect", () => {
  const result = attentionVsEffect(attributionOf(EFFECT, 2, 4), ATTENTION);

  it("gives Pearson and Spearman as SciPy computes them", () => {
    expect(result.pearson).toBeCloseTo(-0.6106204287764205, 12);
    expect(result.spearman).toBeCloseTo(-0.7380952380952381, 12);
  });

  it("ranks each head on both scores and names the heads whose ranks differ by >= n/4", () => {
    expect(result.points.map((p) => p.attentionRank)).toEqual([1, 7, 3, 4, 8, 2, 6, 5]);
    expect(result.points.map((p) => p.effectRank)).toEqual([8, 1, 3, 4, 2, 7, 6, 5]);
    expect(result.rule.minRankGap).toBe(2);
    // Gaps (effect rank - attention rank): 0.0 +7, 1.1 +5; 0.1 -6, 1.0 -6 (layer-major).
    expect(result.attendsMuchMattersLittle).toEqual(["0.0", "1.1"]);
    expect(result.mattersMuchAttendsLittle).toEqual(["0.1", "1.0"]);
    expect(result.points[5]).toMatchObject({ name: "1.1", layer: 1, head: 1, attention: 0.6 });
  });

  it("lists at most `listed` heads per side, and none when the rankings agree", () => {
    const one = attentionVsEffect(attributionOf(EFFECT, 2, 4), ATTENTION, 1);
    expect(one.attendsMuchMattersLittle).toEqual(["0.0"]);
    const agree = attentionVsEffect(attributionOf(ATTENTION, 2, 4), ATTENTION);
    expect(agree.attendsMuchMattersLittle).toEqual([]);
    expect(agree.mattersMuchAttendsLittle).toEqual([]);
    expect(agree.spearman).toBeCloseTo(1, 12);
  });

  it("refuses attention of another shape", () => {
    expect(() => attentionVsEffect(attributionOf(EFFECT, 2, 4), [1, 2, 3])).toThrow(
      "the attention weights have 3 values; a 2 x 4 attribution needs 8",
    );
    expect(minRankGap(1)).toBe(1);
  });
});
