/** A sample's scene mask goes only to the sample's own pixels, not to a file with its name. */
import { describe, expect, it } from "vitest";
import { solidImage } from "../engine";
import { samePixels, verifySceneSample } from "./scene-sample";

const sample = solidImage(4, [10, 20, 30]);
const coverage = [0, 0.5, 1, 0.25];

describe("verifySceneSample", () => {
  it("gives the coverage when the image is the sample, pixel for pixel", async () => {
    const copy = { ...sample, data: new Uint8ClampedArray(sample.data) };
    expect(await verifySceneSample(copy, coverage, async () => sample)).toEqual({
      image: copy,
      coverage,
    });
  });

  it("refuses a different image with the sample's name, even one pixel off", async () => {
    const other = { ...sample, data: new Uint8ClampedArray(sample.data) };
    other.data[5] = 21;
    expect(await verifySceneSample(other, coverage, async () => sample)).toBeNull();
    expect(
      await verifySceneSample(solidImage(8, [10, 20, 30]), coverage, async () => sample),
    ).toBeNull();
  });

  it("refuses when there is no sample of that name or it cannot be loaded", async () => {
    let loads = 0;
    const load = async () => (loads++, sample);
    expect(await verifySceneSample(sample, null, load)).toBeNull();
    expect(loads).toBe(0);
    const failing = () => Promise.reject(new Error("offline"));
    expect(await verifySceneSample(sample, coverage, failing)).toBeNull();
  });

  it("samePixels compares size and every byte", () => {
    expect(samePixels(sample, solidImage(4, [10, 20, 30]))).toBe(true);
    expect(samePixels(sample, solidImage(4, [10, 20, 31]))).toBe(false);
    expect(samePixels(sample, { ...sample, width: 2, height: 8 })).toBe(false);
  });
});
