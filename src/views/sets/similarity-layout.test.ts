import { describe, expect, it } from "vitest";
import { matrixLayout } from "./similarity-layout";

const images = [
  { category: "cat", style: "noto" },
  { category: "dog", style: "noto" },
  { category: "cat", style: "twemoji" },
  { category: "dog", style: "twemoji" },
  { category: null, style: "noto" },
];

describe("matrixLayout", () => {
  it("groups by category, then style, in the order labels first appear", () => {
    const layout = matrixLayout(images, "category");
    expect(layout.order).toEqual([0, 2, 1, 3, 4]);
    expect(layout.groups).toEqual([
      { label: "cat", start: 0, end: 2 },
      { label: "dog", start: 2, end: 4 },
      { label: "(unlabelled)", start: 4, end: 5 },
    ]);
  });

  it("groups by style, then category", () => {
    const layout = matrixLayout(images, "style");
    expect(layout.order).toEqual([0, 1, 4, 2, 3]);
    expect(layout.groups.map((g) => [g.label, g.end - g.start])).toEqual([
      ["noto", 3],
      ["twemoji", 2],
    ]);
  });
});
