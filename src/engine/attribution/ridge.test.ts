import { describe, expect, it } from "vitest";
import { sampleMasks, maskRow } from "./masks";
import { mulberry32 } from "../math/random";
import { RidgeAccumulator, predict } from "./ridge";

/**
 * Independent reference: build the explicit design matrix (with ridge rows appended, the
 * textbook augmented form of ridge regression) and solve its normal equations by
 * Gauss-Jordan elimination with partial pivoting (not Cholesky, not incremental).
 */
function referenceRidge(rows: number[][], ys: number[], lambda: number): number[] {
  const p = rows[0]!.length + 1;
  const design = rows.map((row) => [1, ...row]);
  const targets = [...ys];
  for (let k = 1; k < p; k++) {
    const extra = new Array<number>(p).fill(0);
    extra[k] = Math.sqrt(lambda);
    design.push(extra);
    targets.push(0);
  }
  const a = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p + 1 }, (_, j) =>
      design.reduce((sum, row, r) => sum + row[i]! * (j === p ? targets[r]! : row[j]!), 0),
    ),
  );
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++)
      if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < p; r++) {
      if (r === col) continue;
      const factor = a[r]![col]! / a[col]![col]!;
      for (let c = col; c <= p; c++) a[r]![c]! -= factor * a[col]![c]!;
    }
  }
  return a.map((row, i) => row[p]! / row[i]!);
}

describe("RidgeAccumulator", () => {
  it("recovers known weights from noiseless synthetic masks", () => {
    const size = 12;
    const masks = sampleMasks(400, size, 0.2, 7);
    const random = mulberry32(99);
    const truth = Array.from({ length: size }, () => random() * 4 - 2);
    const acc = new RidgeAccumulator(size);
    for (let i = 0; i < masks.count; i++) {
      const m = maskRow(masks, i);
      acc.add(m, 3 + truth.reduce((s, w, k) => s + w * m[k]!, 0));
    }
    const fit = acc.solve(0);
    expect(fit.intercept).toBeCloseTo(3, 9);
    truth.forEach((w, k) => expect(fit.weights[k]).toBeCloseTo(w, 9));
  });

  it("matches an independent augmented least-squares solve, with noise and a ridge term", () => {
    const size = 6;
    const masks = sampleMasks(60, size, 0.3, 11);
    const noise = mulberry32(5);
    const rows: number[][] = [];
    const ys: number[] = [];
    const acc = new RidgeAccumulator(size);
    for (let i = 0; i < masks.count; i++) {
      const m = Array.from(maskRow(masks, i));
      const y = 1.5 - 2 * m[0]! + 0.5 * m[3]! + (noise() - 0.5);
      rows.push(m);
      ys.push(y);
      acc.add(m, y);
    }
    const ridge = 0.05;
    const fit = acc.solve(ridge);
    const reference = referenceRidge(rows, ys, ridge * masks.count);
    expect(fit.intercept).toBeCloseTo(reference[0]!, 10);
    for (let k = 0; k < size; k++) expect(fit.weights[k]).toBeCloseTo(reference[k + 1]!, 10);
    expect(predict(fit, rows[0]!)).toBeCloseTo(
      reference[0]! + rows[0]!.reduce((s, x, k) => s + x * reference[k + 1]!, 0),
      10,
    );
  });

  it("equals the closed-form slope cov(x,y)/var(x) for one feature without ridge", () => {
    const xs = [0, 1, 1, 0, 1, 0, 0, 1, 1];
    const ys = [2.0, 0.5, 1.0, 2.5, 0.2, 1.9, 2.2, 0.9, 0.4];
    const acc = new RidgeAccumulator(1);
    xs.forEach((x, i) => acc.add([x], ys[i]!));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const mx = mean(xs);
    const my = mean(ys);
    const slope =
      xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) /
      xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    const fit = acc.solve(0);
    expect(fit.weights[0]).toBeCloseTo(slope, 12);
    expect(fit.intercept).toBeCloseTo(my - slope * mx, 12);
  });
});
