import { describe, expect, it } from "vitest";
import {
  arcPath,
  curvesInto,
  edgeWidth,
  formatPercentChange,
  maxAbsChange,
  nodeX,
  targetsOf,
  windowLabel,
  type FlowCurve,
} from "./flow-geometry";

const curve = (source: string, target: string, change: number[]): FlowCurve =>
  ({ source, target, change, probability: change.map((c) => 0.5 * (1 + c)) }) as FlowCurve;

const curves = [
  curve("question", "final", [-0.5, 0.1]),
  curve("prefix", "final", [0.02, -0.01]),
  curve("imageObject", "question", [0.8, 0]),
];

describe("token flow geometry", () => {
  it("spreads the six groups evenly in prompt order", () => {
    expect(nodeX("prefix", 600, 50)).toBe(50);
    expect(nodeX("final", 600, 50)).toBe(550);
    expect(nodeX("imageBackground", 600, 50)).toBe(250);
  });

  it("draws an arc whose height follows the distance", () => {
    expect(arcPath(100, 300, 200)).toBe("M100,200 Q200,20 300,200");
    expect(arcPath(300, 100, 200, 0.25)).toBe("M300,200 Q200,100 100,200");
  });

  it("scales edges by the largest |change|", () => {
    expect(maxAbsChange(curves)).toBe(0.8);
    expect(edgeWidth(-0.4, 0.8, 10)).toBe(5);
    expect(edgeWidth(0, 0.8, 10)).toBe(0.5);
    expect(edgeWidth(0.3, 0, 10)).toBe(0.5);
    expect(edgeWidth(Number.NaN, 1, 10)).toBe(0.5);
  });

  it("names windows, clipped at the top layer", () => {
    expect(windowLabel(2, 2, 8)).toBe("layers 2–3");
    expect(windowLabel(7, 2, 8)).toBe("layer 7");
    expect(windowLabel(0, 1, 8)).toBe("layer 0");
  });

  it("selects curves by target, targets in prompt order", () => {
    expect(curvesInto(curves, "final").map((c) => c.source)).toEqual(["question", "prefix"]);
    expect(targetsOf(curves)).toEqual(["question", "final"]);
  });

  it("writes changes as signed percentages", () => {
    expect(formatPercentChange(-0.4521)).toBe("−45.2%");
    expect(formatPercentChange(0.013)).toBe("+1.3%");
    expect(formatPercentChange(-0.0001)).toBe("0.0%");
    expect(formatPercentChange(Number.NaN)).toBe("undefined");
  });
});
