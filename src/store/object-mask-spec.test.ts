import { describe, expect, it } from "vitest";
import {
  defaultChoice,
  objectMaskSpecOf,
  previewMask,
  sceneCoverageOf,
  type MaskInputs,
} from "./object-mask-spec";

const coverage = [0, 0.2, 0.5, 0.9];
const inputs: MaskInputs = { coverage, painted: [false, true, false, false], threshold: 0.5 };

describe("scene coverage of a bundled sample", () => {
  const samples = [
    { file: "sample-00.png", patchCoverage: coverage },
    { file: "sample-01.png", patchCoverage: [1, "x", 0, 0] },
    { file: "sample-02.png" },
  ];
  it("is found by the image's name", () => {
    expect(sceneCoverageOf(samples, "sample-00.png", 4)).toEqual(coverage);
  });
  it("is null for other images, bad metadata or another patch count", () => {
    expect(sceneCoverageOf(samples, "cat.png", 4)).toBeNull();
    expect(sceneCoverageOf(samples, "sample-01.png", 4)).toBeNull();
    expect(sceneCoverageOf(samples, "sample-02.png", 4)).toBeNull();
    expect(sceneCoverageOf(samples, "sample-00.png", 64)).toBeNull();
    expect(sceneCoverageOf(null, "sample-00.png", 4)).toBeNull();
  });
});

describe("the object mask spec of a choice", () => {
  it("uses the scene coverage at the engine's default threshold", () => {
    expect(objectMaskSpecOf("scene", inputs)).toEqual({
      source: "scene",
      coverage,
      threshold: 0.5,
    });
  });
  it("passes a painted mask and a contribution threshold through", () => {
    expect(objectMaskSpecOf("mask", inputs)).toEqual({
      source: "mask",
      patches: [false, true, false, false],
    });
    expect(objectMaskSpecOf("contribution", inputs)).toEqual({
      source: "contribution",
      threshold: 0.5,
    });
  });
  it("explains what is missing", () => {
    expect(() => objectMaskSpecOf("scene", { ...inputs, coverage: null })).toThrow(
      /no scene metadata/,
    );
    expect(() => objectMaskSpecOf("mask", { ...inputs, painted: [false, false] })).toThrow(
      /mask is empty/,
    );
    expect(() => objectMaskSpecOf("contribution", { ...inputs, threshold: 0 })).toThrow(
      /must lie in \(0, 1\]/,
    );
  });
});

describe("the mask drawn before a run", () => {
  it("thresholds coverage at one half, and the contribution map at its fraction", () => {
    expect(previewMask("scene", inputs, null)).toEqual([false, false, true, true]);
    expect(previewMask("mask", inputs, null)).toEqual([false, true, false, false]);
    expect(previewMask("contribution", inputs, [0.1, 0.4, -0.2, 0.2])).toEqual([
      false,
      true,
      false,
      true,
    ]);
  });
  it("is unknown for a threshold before the map exists", () => {
    expect(previewMask("contribution", inputs, null)).toBeNull();
  });
  it("starts from the scene when there is one", () => {
    expect(defaultChoice(coverage)).toBe("scene");
    expect(defaultChoice(null)).toBe("contribution");
  });
});
