/**
 * Ranks and rank agreement against SciPy 1.17 (reference values from
 * `python3 -c "from scipy import stats; import numpy as np; x=np.array(X); y=np.array(Y);
 * print(stats.rankdata(-x), stats.spearmanr(x,y).statistic)"` with X, Y below) and a
 * brute-force top-k intersection.
 */
import { describe, expect, it } from "vitest";
import { pearson } from "../../math/stats";
import { mulberry32 } from "../../math/random";
import { averageRanks, spearman, topK, topKOverlap } from "./ranks";

const X = [0.3, -1.2, 0.3, 2.5, 0.0, 0.3, -1.2, 1.1];
const Y = [1.0, 0.2, -0.5, 3.0, 0.2, 0.9, -2.0, 0.4];

describe("averageRanks", () => {
  it("matches scipy.stats.rankdata(-x) (average method, rank 1 = highest)", () => {
    expect(Array.from(averageRanks(X))).toEqual([4, 7.5, 4, 1, 6, 4, 7.5, 2]);
    expect(Array.from(averageRanks(Y))).toEqual([2, 5.5, 7, 1, 5.5, 3, 8, 4]);
  });

  it("refuses a score that is not finite, naming it", () => {
    expect(() => averageRanks([1, Number.NaN], "attention")).toThrow(
      "attention: score 1 is not a finite number",
    );
  });
});

describe("spearman", () => {
  it("matches scipy.stats.spearmanr with ties", () => {
    expect(spearman(X, Y)).toBeCloseTo(0.7224424790807195, 12);
  });

  it("without ties equals 1 - 6 sum(d^2) / (n (n^2 - 1))", () => {
    const random = mulberry32(3);
    const xs = Array.from({ length: 40 }, () => random());
    const ys = xs.map((x) => x + random() * 0.5);
    const rx = averageRanks(xs);
    const ry = averageRanks(ys);
    const n = xs.length;
    let d2 = 0;
    for (let i = 0; i < n; i++) d2 += (rx[i]! - ry[i]!) ** 2;
    expect(spearman(xs, ys)).toBeCloseTo(1 - (6 * d2) / (n * (n * n - 1)), 12);
  });

  it("is invariant to monotone transforms, unlike Pearson", () => {
    const xs = [0.1, 0.5, 0.9, 1.3, 2.0];
    const ys = xs.map((x) => Math.exp(5 * x));
    expect(spearman(xs, ys)).toBeCloseTo(1, 12);
    expect(pearson(xs, ys)).toBeLessThan(0.95);
  });

  it("is NaN for a constant series and refuses series of different lengths", () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow("differ in length (2 and 3)");
  });
});

describe("top-k", () => {
  it("overlap equals a brute-force intersection of the k largest", () => {
    const random = mulberry32(11);
    for (let trial = 0; trial < 20; trial++) {
      const a = Array.from({ length: 30 }, () => random());
      const b = Array.from({ length: 30 }, () => random());
      const k = 1 + (trial % 10);
      const largest = (v: number[]) =>
        new Set(
          v
            .map((score, index) => ({ score, index }))
            .sort((p, q) => q.score - p.score)
            .slice(0, k)
            .map((p) => p.index),
        );
      const sa = largest(a);
      const sb = largest(b);
      const expected = [...sa].filter((i) => sb.has(i)).length / k;
      expect(topKOverlap(a, b, k).overlap).toBe(expected);
    }
  });

  it("keeps the lower index first on ties and refuses a k outside 1..size", () => {
    expect(topK([1, 3, 3, 0], 2)).toEqual([1, 2]);
    expect(() => topK([1, 2], 3)).toThrow("top-k must be an integer in 1..2");
    expect(() => topK([1, 2], 0)).toThrow("top-k must be an integer in 1..2");
  });
});
