import { describe, expect, it } from "vitest";
import { exceedsImagePixels, MAX_IMAGE_PIXELS } from "./image-limits";

describe("image size limit", () => {
  it("takes an 8000 x 5000 photo and refuses one pixel row more", () => {
    expect(MAX_IMAGE_PIXELS).toBe(8000 * 5000);
    expect(exceedsImagePixels(8000, 5000)).toBe(false);
    expect(exceedsImagePixels(8000, 5001)).toBe(true);
    expect(exceedsImagePixels(20000, 20000)).toBe(true);
  });
});
