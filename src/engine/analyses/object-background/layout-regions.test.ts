import { describe, expect, it } from "vitest";
import { checkLayout, identityLayout, type ImageLayout } from "../../model/image-layout";
import { coveringOffsets, layoutRegions, onGrid, spreadOverCells } from "./layout-regions";

/**
 * A hand-written layout on a 2 x 2 display grid: two cell tokens, a separator, two cell
 * tokens, and a "global" token over all four cells.
 */
const LAYOUT: ImageLayout = { grid: [2, 2], cells: [[0], [1], [], [2], [3], [0, 1, 2, 3]] };

describe("layout regions", () => {
  it("identity: the object patches and the rest, nothing between", () => {
    expect(layoutRegions(identityLayout([2, 2]), [true, false, false, true])).toEqual({
      object: [0, 3],
      background: [1, 2],
      between: [],
    });
  });

  it("a position covering an object cell is object; no cell: between", () => {
    expect(layoutRegions(LAYOUT, [false, true, false, false])).toEqual({
      object: [1, 5],
      background: [0, 3, 4],
      between: [2],
    });
    expect(layoutRegions(LAYOUT, [false, false, false, false]).object).toEqual([]);
  });

  it("spreads each covering position's value evenly over its cells", () => {
    expect(coveringOffsets(LAYOUT)).toEqual([0, 1, 3, 4, 5]);
    // Cell c gets its own token's value plus a quarter of the global token's 0.4.
    expect(spreadOverCells(LAYOUT, [1, 2, 3, 4, 0.4])).toEqual([1.1, 2.1, 3.1, 4.1]);
    expect(spreadOverCells(identityLayout([1, 3]), [5, 6, 7])).toEqual([5, 6, 7]);
  });

  it("carries a mask to another grid by nearest cell", () => {
    // 2 x 2 -> 4 x 4: each cell becomes a 2 x 2 block.
    const big = onGrid([true, false, false, true], [2, 2], [4, 4], "mask");
    expect(big.map(Number).join("")).toBe("1100110000110011");
    expect(onGrid([1, 2, 3], [1, 3], [1, 3], "x")).toEqual([1, 2, 3]);
    expect(() => onGrid([true], [2, 2], [4, 4], "the object mask")).toThrow(
      /the object mask has 1 patches, the 2x2 grid 4/,
    );
  });

  it("checks a layout: positions, cells inside and covered, the grid limit", () => {
    expect(checkLayout(LAYOUT, 6)).toBe(LAYOUT);
    expect(() => checkLayout(LAYOUT, 7)).toThrow(/places 6 positions, the image block has 7/);
    expect(() => checkLayout({ grid: [2, 2], cells: [[0], [1], [2]] }, 3)).toThrow(
      /cell 3 is covered by no position/,
    );
    expect(() => checkLayout({ grid: [1, 1], cells: [[1]] }, 1)).toThrow(/outside the 1x1/);
    expect(() => checkLayout(identityLayout([65, 1]), 65)).toThrow(/exceeds 64 cells a side/);
  });
});
