import { describe, expect, it } from "vitest";
import { axisTicks, cellAt, cellIndex, cellRect, computeLayout, hitTest } from "./heatmap-geometry";

describe("heatmap layout", () => {
  it("puts layer 0 in the top row and head 0 in the left column", () => {
    const layout = computeLayout(4, 6);
    const first = cellRect(layout, { layer: 0, head: 0 });
    const below = cellRect(layout, { layer: 1, head: 0 });
    const right = cellRect(layout, { layer: 0, head: 1 });
    expect(first).toEqual({
      x: layout.plot.x,
      y: layout.plot.y,
      width: layout.cell,
      height: layout.cell,
    });
    expect(below.y).toBe(first.y + layout.cell);
    expect(right.x).toBe(first.x + layout.cell);
  });

  it("fits 40 x 40 heads in a reasonable size with readable cells", () => {
    const layout = computeLayout(40, 40);
    expect(layout.cell).toBeGreaterThanOrEqual(8);
    expect(layout.width).toBeLessThan(900);
    expect(layout.plot.width).toBe(40 * layout.cell);
    expect(layout.plot.height).toBe(40 * layout.cell);
  });

  it("keeps cells from growing huge for a tiny model", () => {
    expect(computeLayout(2, 4).cell).toBeLessThanOrEqual(36);
  });

  it("keeps the legend right of the plot and everything inside the canvas", () => {
    for (const [layers, heads] of [
      [1, 1],
      [6, 8],
      [40, 40],
      [12, 3],
      [3, 40],
    ] as const) {
      const layout = computeLayout(layers, heads);
      expect(layout.legend.x).toBeGreaterThan(layout.plot.x + layout.plot.width);
      expect(layout.legend.x + layout.legend.width).toBeLessThan(layout.width);
      expect(layout.missingSwatch.y).toBeGreaterThan(layout.legend.y + layout.legend.height);
      expect(layout.missingSwatch.y + layout.missingSwatch.height).toBeLessThan(layout.height);
      expect(layout.uncertainSwatch.y).toBeGreaterThan(
        layout.missingSwatch.y + layout.missingSwatch.height,
      );
      expect(layout.uncertainSwatch.y + layout.uncertainSwatch.height).toBeLessThan(layout.height);
      expect(layout.plot.y + layout.plot.height).toBeLessThan(layout.height);
    }
  });

  it("refuses an empty or fractional grid", () => {
    expect(() => computeLayout(0, 4)).toThrow(RangeError);
    expect(() => computeLayout(2, 1.5)).toThrow(RangeError);
  });
});

describe("hit-testing", () => {
  const layout = computeLayout(6, 8);

  it("finds every cell at its centre and its corners", () => {
    for (let layer = 0; layer < 6; layer++) {
      for (let head = 0; head < 8; head++) {
        const rect = cellRect(layout, { layer, head });
        for (const [dx, dy] of [
          [0.5, 0.5],
          [0, 0],
          [0.999, 0.999],
        ] as const) {
          const x = rect.x + dx * rect.width;
          const y = rect.y + dy * rect.height;
          expect(hitTest(layout, x, y)).toEqual({ layer, head });
        }
      }
    }
  });

  it("finds nothing outside the plot", () => {
    const { plot } = layout;
    expect(hitTest(layout, plot.x - 1, plot.y + 1)).toBeNull();
    expect(hitTest(layout, plot.x + 1, plot.y - 1)).toBeNull();
    expect(hitTest(layout, plot.x + plot.width, plot.y + 1)).toBeNull();
    expect(hitTest(layout, plot.x + 1, plot.y + plot.height)).toBeNull();
    expect(hitTest(layout, layout.legend.x + 1, layout.legend.y + 1)).toBeNull();
  });
});

describe("cell order", () => {
  it("is layer-major, like the engine's score vectors", () => {
    const layout = computeLayout(3, 5);
    expect(cellIndex(layout, { layer: 0, head: 4 })).toBe(4);
    expect(cellIndex(layout, { layer: 2, head: 1 })).toBe(11);
    for (let index = 0; index < 15; index++)
      expect(cellIndex(layout, cellAt(layout, index))).toBe(index);
  });
});

describe("axis ticks", () => {
  it("labels every index when cells are wide", () => {
    expect(axisTicks(8, 30)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("thins labels so they do not overlap on small cells", () => {
    expect(axisTicks(40, 14)).toEqual([
      0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38,
    ]);
    expect(axisTicks(40, 8)).toEqual([0, 5, 10, 15, 20, 25, 30, 35]);
    const ticks = axisTicks(100, 3);
    for (let index = 1; index < ticks.length; index++) {
      expect((ticks[index]! - ticks[index - 1]!) * 3).toBeGreaterThanOrEqual(18);
    }
  });
});
