/** Comparing two results: relative depth, top-k overlap, the difference map, the schema. */
import { describe, expect, it } from "vitest";
import { compareResults } from "./compare";
import { spearman } from "./ranks";
import { parseCompareResult } from "./trust-results";
import { attributionOf, setsOf } from "./trust-fixtures";

const A = [0.9, 0.5, 0.1, -0.2, 0.3, 0.05];
const B = [0.7, 0.1, 0.6, -0.1, 0.35, 0.0];

describe("compareResults", () => {
  it("on matching grids: overlap, Spearman, Pearson and b - a head by head", () => {
    const result = compareResults(
      { kind: "attribution", result: attributionOf(A, 2, 3) },
      {
        kind: "attribution",
        result: attributionOf(B, 2, 3, { image: { name: "b.png", width: 64, height: 64 } }),
      },
      3,
    );
    expect(result.sameGrid).toBe(true);
    expect(result.sameModel).toBe(true);
    // Top 3: a {0.0, 0.1, 1.1}, b {0.0, 0.2, 1.1}.
    expect(result.topKOverlap).toBeCloseTo(2 / 3, 12);
    expect(result.shared).toEqual(["0.0", "1.1"]);
    expect(result.spearman).toBeCloseTo(spearman(A, B), 12);
    expect(result.difference!.flat()).toEqual(B.map((b, i) => b - A[i]!));
    expect(result.maxAbsDifference).toBeCloseTo(0.5, 12);
    expect(result.a.top.map((t) => t.name)).toEqual(["0.0", "0.1", "1.1"]);
    expect(parseCompareResult(JSON.parse(JSON.stringify(result)))).toEqual(result);
  });

  it("across grids: relative depth layer / layers, no head-by-head numbers", () => {
    const deep = Array.from({ length: 4 * 2 }, (_, i) => (i === 7 ? 1 : i === 4 ? 0.5 : 0));
    const result = compareResults(
      { kind: "attribution", result: attributionOf(A, 2, 3) },
      {
        kind: "attribution",
        result: attributionOf(deep, 4, 2, {
          model: { id: "big", name: "Big", layers: 4, heads: 2 },
        }),
      },
      2,
    );
    expect(result.sameGrid).toBe(false);
    expect(result.sameModel).toBe(false);
    expect(result.topKOverlap).toBeNull();
    expect(result.difference).toBeNull();
    // b's top 2: 3.1 (depth 3/4) and 2.0 (depth 2/4).
    expect(result.b.top.map((t) => [t.name, t.depth])).toEqual([
      ["3.1", 0.75],
      ["2.0", 0.5],
    ]);
    expect(result.b.topDepthMean).toBeCloseTo(0.625, 12);
    // a's top 2: 0.0, 0.1, both depth 0.
    expect(result.a.topDepthMean).toBe(0);
    expect(parseCompareResult(JSON.parse(JSON.stringify(result)))).toEqual(result);
  });

  it("reads a sets result's named set, its only set, or the mean of its images", () => {
    const sets = setsOf(
      [
        { name: "cat", scores: A },
        { name: "dog", scores: B },
      ],
      2,
      3,
    );
    const named = compareResults(
      { kind: "sets", result: sets, set: "dog" },
      { kind: "attribution", result: attributionOf(B, 2, 3) },
      2,
    );
    expect(named.a.set).toBe("dog");
    expect(named.maxAbsDifference).toBe(0);
    const all = compareResults(
      { kind: "sets", result: sets },
      { kind: "attribution", result: attributionOf(A, 2, 3) },
      2,
    );
    expect(all.a.set).toBe("all 2 images");
    expect(all.a.scores.flat()).toEqual(A.map((a, i) => (a + B[i]!) / 2));
    expect(() =>
      compareResults({ kind: "sets", result: sets, set: "cow" }, { kind: "sets", result: sets }, 2),
    ).toThrow('the sets result has no set "cow" (sets: cat, dog)');
  });

  it("refuses a top-k larger than the smaller model", () => {
    expect(() =>
      compareResults(
        { kind: "attribution", result: attributionOf(A, 2, 3) },
        { kind: "attribution", result: attributionOf(A, 2, 3) },
        7,
      ),
    ).toThrow("top-k must be an integer in 1..6");
  });
});
