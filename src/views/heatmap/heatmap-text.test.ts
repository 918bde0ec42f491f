import { describe, expect, it } from "vitest";
import {
  cellName,
  formatScore,
  formatScoreWithUncertainty,
  scoreAttribute,
  tooltipLines,
} from "./heatmap-text";

describe("heatmap text", () => {
  it("names cells 0-based, as tests and screen readers find them", () => {
    expect(cellName({ layer: 0, head: 3 })).toBe("Layer 0, head 3");
  });

  it("formats scores with three significant digits and a plain minus", () => {
    expect(formatScore(0.123456)).toBe("0.123");
    expect(formatScore(-2.5)).toBe("-2.5");
    expect(formatScore(12345)).toBe("1.23e+4");
    expect(formatScore(Number.NaN)).toBe("not computed yet");
  });

  it("adds the uncertainty when there is one", () => {
    expect(formatScoreWithUncertainty(0.5, 0.0123)).toBe("0.5 ± 0.012");
    expect(formatScoreWithUncertainty(0.5, undefined)).toBe("0.5");
    expect(formatScoreWithUncertainty(0.5, Number.NaN)).toBe("0.5");
    expect(formatScoreWithUncertainty(Number.NaN, 0.1)).toBe("not computed yet");
  });

  it("keeps the exact score in data-score, empty when not computed", () => {
    expect(scoreAttribute(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(Number(scoreAttribute(-1.5e-7))).toBe(-1.5e-7);
    expect(scoreAttribute(Number.NaN)).toBe("");
  });

  it("says what the score is in the tooltip", () => {
    expect(tooltipLines({ layer: 2, head: 5 }, "Attribution", 0.25, 0.05)).toEqual({
      title: "Layer 2, head 5",
      value: "Attribution: 0.25 ± 0.05",
      note: "± 1 standard error",
    });
    expect(tooltipLines({ layer: 0, head: 1 }, "Attribution", -0.05, 0.05).note).toBe(
      "± 1 standard error; within 2 SE of 0",
    );
    expect(tooltipLines({ layer: 0, head: 1 }, "Attention weight", 0.3, undefined)).toEqual({
      title: "Layer 0, head 1",
      value: "Attention weight: 0.3",
    });
  });
});
