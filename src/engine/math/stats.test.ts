import { describe, expect, it } from "vitest";
import { pearson } from "./stats";

describe("pearson", () => {
  it("matches the direct formula n*sum(xy) - sum(x)sum(y) over the root of the variances", () => {
    const xs = [1, 2, 3, 4, 5, 6.5];
    const ys = [2.1, 3.9, 6.2, 7.8, 9.7, 14];
    const n = xs.length;
    const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
    const sxy = sum(xs.map((x, i) => x * ys[i]!));
    const sxx = sum(xs.map((x) => x * x));
    const syy = sum(ys.map((y) => y * y));
    const direct =
      (n * sxy - sum(xs) * sum(ys)) /
      Math.sqrt((n * sxx - sum(xs) ** 2) * (n * syy - sum(ys) ** 2));
    expect(pearson(xs, ys)).toBeCloseTo(direct, 12);
  });

  it("is 1 and -1 for exact linear relations and NaN for a constant series", () => {
    expect(pearson([1, 2, 3], [5, 7, 9])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});
