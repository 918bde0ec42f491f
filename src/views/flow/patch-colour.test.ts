import { describe, expect, it } from "vitest";
import { patchFill, signedToUnit } from "./patch-colour";

describe("patch overlay colours", () => {
  it("paints positive orange, negative blue, zero not at all", () => {
    expect(patchFill(1)).toBe("rgba(255, 140, 0, 0.850)");
    expect(patchFill(-0.5)).toBe("rgba(40, 110, 230, 0.425)");
    expect(patchFill(0)).toBeNull();
    expect(patchFill(Number.NaN)).toBeNull();
    expect(patchFill(3)).toBe("rgba(255, 140, 0, 0.850)");
  });

  it("scales by the largest magnitude", () => {
    expect(signedToUnit([0.2, -0.4, 0])).toEqual([0.5, -1, 0]);
    expect(signedToUnit([0, 0])).toEqual([0, 0]);
    expect(signedToUnit([Number.NaN, 2])).toEqual([0, 1]);
  });
});
