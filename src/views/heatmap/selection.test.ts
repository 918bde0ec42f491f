import { describe, expect, it } from "vitest";
import { clampCell, isSelectKey, moveFocus, sameCell } from "./selection";

const size = { layers: 6, heads: 8 };

describe("keyboard movement in the heatmap", () => {
  it("moves one cell with the arrows; down is the next layer", () => {
    const from = { layer: 2, head: 3 };
    expect(moveFocus(from, { key: "ArrowDown" }, size)).toEqual({ layer: 3, head: 3 });
    expect(moveFocus(from, { key: "ArrowUp" }, size)).toEqual({ layer: 1, head: 3 });
    expect(moveFocus(from, { key: "ArrowRight" }, size)).toEqual({ layer: 2, head: 4 });
    expect(moveFocus(from, { key: "ArrowLeft" }, size)).toEqual({ layer: 2, head: 2 });
  });

  it("stops at the edges instead of wrapping", () => {
    expect(moveFocus({ layer: 0, head: 0 }, { key: "ArrowUp" }, size)).toEqual({
      layer: 0,
      head: 0,
    });
    expect(moveFocus({ layer: 0, head: 0 }, { key: "ArrowLeft" }, size)).toEqual({
      layer: 0,
      head: 0,
    });
    expect(moveFocus({ layer: 5, head: 7 }, { key: "ArrowDown" }, size)).toEqual({
      layer: 5,
      head: 7,
    });
    expect(moveFocus({ layer: 5, head: 7 }, { key: "ArrowRight" }, size)).toEqual({
      layer: 5,
      head: 7,
    });
  });

  it("goes to the row's ends with Home/End and the grid's corners with Ctrl", () => {
    const from = { layer: 2, head: 3 };
    expect(moveFocus(from, { key: "Home" }, size)).toEqual({ layer: 2, head: 0 });
    expect(moveFocus(from, { key: "End" }, size)).toEqual({ layer: 2, head: 7 });
    expect(moveFocus(from, { key: "Home", ctrlKey: true }, size)).toEqual({ layer: 0, head: 0 });
    expect(moveFocus(from, { key: "End", ctrlKey: true }, size)).toEqual({ layer: 5, head: 7 });
    expect(moveFocus(from, { key: "End", metaKey: true }, size)).toEqual({ layer: 5, head: 7 });
  });

  it("jumps several layers with PageUp/PageDown, clamped", () => {
    expect(moveFocus({ layer: 2, head: 1 }, { key: "PageDown" }, size)).toEqual({
      layer: 5,
      head: 1,
    });
    expect(moveFocus({ layer: 2, head: 1 }, { key: "PageUp" }, size)).toEqual({
      layer: 0,
      head: 1,
    });
  });

  it("ignores other keys", () => {
    expect(moveFocus({ layer: 2, head: 1 }, { key: "a" }, size)).toBeNull();
    expect(moveFocus({ layer: 2, head: 1 }, { key: "Enter" }, size)).toBeNull();
  });

  it("selects with Enter and Space only", () => {
    expect(isSelectKey("Enter")).toBe(true);
    expect(isSelectKey(" ")).toBe(true);
    expect(isSelectKey("Tab")).toBe(false);
  });

  it("keeps a remembered cell inside a smaller grid", () => {
    expect(clampCell({ layer: 30, head: 30 }, size)).toEqual({ layer: 5, head: 7 });
  });

  it("compares cells by position", () => {
    expect(sameCell({ layer: 1, head: 2 }, { layer: 1, head: 2 })).toBe(true);
    expect(sameCell({ layer: 1, head: 2 }, { layer: 2, head: 1 })).toBe(false);
    expect(sameCell(null, { layer: 2, head: 1 })).toBe(false);
  });
});
