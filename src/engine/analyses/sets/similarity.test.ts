import { describe, expect, it } from "vitest";
import { semanticVsAppearance, similarityMatrix, type ItemLabels } from "./similarity";

/** Pearson r written out from its definition, independent of stats.ts. */
function pearsonByDefinition(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Same-category/different-style mean minus same-style/different-category mean, by brute force. */
function differenceByDefinition(similarity: number[][], labels: ItemLabels[]): number {
  const semantic: number[] = [];
  const appearance: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const sameC = labels[i]!.category === labels[j]!.category;
      const sameS = labels[i]!.style === labels[j]!.style;
      if (sameC && !sameS) semantic.push(similarity[i]![j]!);
      if (sameS && !sameC) appearance.push(similarity[i]![j]!);
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return semantic.length && appearance.length ? mean(semantic) - mean(appearance) : Number.NaN;
}

function permutationsOf(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutationsOf(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, at) => [...p.slice(0, at), n - 1, ...p.slice(at)]),
  );
}

describe("similarity matrix", () => {
  it("equals Pearson r by definition, is symmetric, and null for a constant vector", () => {
    const vectors = [
      [1, 2, 3, 5],
      [2, 1, 0, 4],
      [-1, 3, 3, 0],
      [7, 7, 7, 7],
    ];
    const sim = similarityMatrix(vectors);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        expect(sim[i]![j]).toBeCloseTo(pearsonByDefinition(vectors[i]!, vectors[j]!), 12);
      }
      expect(sim[i]![3]).toBeNull();
      expect(sim[3]![i]).toBeNull();
    }
  });
});

describe("semantic vs appearance test on a case known by construction", () => {
  // 2 categories x 2 styles, one image per cell. Same category: similarity 0.9; same
  // style: 0.2; neither: 0.
  const labels: ItemLabels[] = [
    { category: "cat", style: "a" },
    { category: "cat", style: "b" },
    { category: "dog", style: "a" },
    { category: "dog", style: "b" },
  ];
  const similarity = labels.map((x, i) =>
    labels.map((y, j) =>
      i === j ? 1 : x.category === y.category ? 0.9 : x.style === y.style ? 0.2 : 0,
    ),
  );

  it("reports the two pair means and their difference", () => {
    const test = semanticVsAppearance(similarity, labels, 10, 0)!;
    expect(test.sameCategoryDifferentStyle).toEqual({ mean: 0.9, pairs: 2 });
    expect(test.sameStyleDifferentCategory).toEqual({ mean: 0.2, pairs: 2 });
    expect(test.difference).toBeCloseTo(0.7, 12);
  });

  it("p matches the exact permutation distribution (all 4! relabellings)", () => {
    // Exact one-sided p: the share of relabellings whose statistic reaches the observed.
    const observed = differenceByDefinition(similarity, labels);
    const all = permutationsOf(4).map((perm) =>
      differenceByDefinition(
        similarity,
        perm.map((k) => labels[k]!),
      ),
    );
    const exact = all.filter((d) => d >= observed - 1e-12).length / all.length;
    expect(exact).toBeCloseTo(8 / 24, 12); // 8 of the 24 relabellings keep the categories paired
    const test = semanticVsAppearance(similarity, labels, 20_000, 3)!;
    // Monte Carlo p with P = 20,000: standard error sqrt(p(1-p)/P) < 0.004.
    expect(test.pValue).toBeGreaterThan(exact - 0.015);
    expect(test.pValue).toBeLessThan(exact + 0.015);
  });

  it("ignores unlabelled images and null similarities", () => {
    const withNull = similarity.map((row) => row.slice() as (number | null)[]);
    withNull[0]![1] = null;
    withNull[1]![0] = null;
    const test = semanticVsAppearance(withNull, labels, 10, 0)!;
    expect(test.sameCategoryDifferentStyle).toEqual({ mean: 0.9, pairs: 1 });
    const unlabelled = [...labels, { category: null, style: null }];
    const bigger = [...similarity.map((r) => [...r, 0.5]), [0.5, 0.5, 0.5, 0.5, 1]];
    expect(semanticVsAppearance(bigger, unlabelled, 10, 0)!.difference).toBeCloseTo(0.7, 12);
  });
});
