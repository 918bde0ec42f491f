import { describe, expect, it } from "vitest";
import { barChart, heatmap, lineChart } from "./svg";

describe("SVG charts", () => {
  it("draw one path per series, breaking lines at nulls, with round y ticks", () => {
    const svg = lineChart(
      "t",
      [0, 1, 2, 3],
      [
        { label: "a", values: [0, 0.5, null, 1] },
        { label: "b <&>", values: [0.1, 0.2, 0.3, 0.4], dashed: true },
      ],
      "x",
      "y",
    );
    const paths = [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]!);
    expect(paths).toHaveLength(2);
    expect(paths[0]!.match(/M/g)).toHaveLength(2); // the null starts a new segment
    expect(svg).toContain("b &lt;&amp;&gt;");
    expect(svg).toContain(">0.2</text>");
  });

  it("draw one bar per value", () => {
    const svg = barChart("t", ["g1", "g2"], [{ label: "s", values: [1, -0.5] }], "y");
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height/g)).toHaveLength(2 + 1);
  });

  it("colour a heatmap diverging about 0, or white-to-red over the value range", () => {
    const cells = (svg: string) =>
      [...svg.matchAll(/fill="(rgb\([^)]*\)|#ccc)"/g)].map((m) => m[1]);
    expect(cells(heatmap("t", [[1, -1, 0, null]], ["r"], ["", "", "", ""]))).toEqual([
      "rgb(255,40,40)",
      "rgb(40,90,255)",
      "rgb(255,255,255)",
      "#ccc",
    ]);
    expect(cells(heatmap("t", [[0.9, 0.5, 0.7]], ["r"], ["", "", ""], 9, [], true))).toEqual([
      "rgb(255,40,40)",
      "rgb(255,255,255)",
      "rgb(255,148,148)",
    ]);
  });
});
