import { describe, expect, it } from "vitest";
import { isUncertain } from "./heatmap-uncertainty";

describe("the uncertainty cue", () => {
  it("marks scores within two standard errors of 0, on both sides", () => {
    expect(isUncertain(0.19, 0.1)).toBe(true);
    expect(isUncertain(-0.19, 0.1)).toBe(true);
    expect(isUncertain(0.21, 0.1)).toBe(false);
    expect(isUncertain(-0.21, 0.1)).toBe(false);
  });

  it("marks nothing when the score or its error is unknown", () => {
    expect(isUncertain(Number.NaN, 0.1)).toBe(false);
    expect(isUncertain(0.01, Number.NaN)).toBe(false);
    expect(isUncertain(0.01, undefined)).toBe(false);
  });
});
