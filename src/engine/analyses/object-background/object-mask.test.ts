import { describe, expect, it } from "vitest";
import {
  maskFromContributions,
  maskFromCoverage,
  parseObjectMask,
  patchIndices,
} from "./object-mask";

const GRID: [number, number] = [2, 3];

describe("object masks", () => {
  it("parses patch indices and a 0/1 grid to the same row-major mask", () => {
    const fromIndices = parseObjectMask("1, 5", GRID);
    expect(fromIndices).toEqual([false, true, false, false, false, true]);
    expect(parseObjectMask("010/001", GRID)).toEqual(fromIndices);
    expect(parseObjectMask("010\n001", GRID)).toEqual(fromIndices);
    expect(patchIndices(fromIndices)).toEqual([1, 5]);
  });

  it("rejects masks that do not fit the grid, with the reason", () => {
    expect(() => parseObjectMask("6", GRID)).toThrow(/0\.\.5/);
    expect(() => parseObjectMask("1,x", GRID)).toThrow(/bad object patch "x"/);
    expect(() => parseObjectMask(" , ", GRID)).toThrow(/empty/);
    expect(() => parseObjectMask("0100/001", GRID)).toThrow(/2 rows of 3/);
    expect(() => parseObjectMask("010/001/000", GRID)).toThrow(/2 rows of 3/);
  });

  it("thresholds scene coverage at >= the threshold (default one half)", () => {
    expect(maskFromCoverage([0, 0.49, 0.5, 1, 0.2, 0.7], 6)).toEqual([
      false,
      false,
      true,
      true,
      false,
      true,
    ]);
    expect(maskFromCoverage([0, 0.49, 0.5, 1, 0.2, 0.7], 6, 0.2)).toEqual([
      false,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(() => maskFromCoverage([1, 0], 6)).toThrow(/2 entries.*6 patches/);
  });

  it("thresholds a contribution map relative to its largest value", () => {
    const contributions = [0.1, -0.5, 0.4, 0.2, 0.19, 0];
    expect(maskFromContributions(contributions)).toEqual([false, false, true, true, false, false]);
    expect(maskFromContributions(contributions, 1)).toEqual([
      false,
      false,
      true,
      false,
      false,
      false,
    ]);
    // Nothing helps the answer: no object patch rather than an arbitrary one.
    expect(maskFromContributions([-1, 0, -0.2])).toEqual([false, false, false]);
    expect(() => maskFromContributions(contributions, 0)).toThrow(/\(0, 1\]/);
  });
});

describe("object masks from many contributions", () => {
  it("thresholds a million contributions (a spread would overflow the stack)", () => {
    const contributions = Array.from({ length: 1_000_000 }, (_, i) => (i === 123_456 ? 2 : 0.5));
    const mask = maskFromContributions(contributions, 0.5);
    expect(patchIndices(mask)).toEqual([123_456]);
    expect(maskFromContributions([0.2, Number.NaN], 0.5)).toEqual([false, false]);
  });
});
