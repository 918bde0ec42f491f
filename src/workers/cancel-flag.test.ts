import { describe, expect, it } from "vitest";
import { createCancelFlag, isCancelRaised, raiseCancelFlag } from "./cancel-flag";

describe("the shared cancel flag", () => {
  it("starts lowered and stays raised once raised, across a structured clone", () => {
    const flag = createCancelFlag();
    expect(flag).toBeDefined();
    const seenByWorker = structuredClone(flag);
    expect(isCancelRaised(seenByWorker)).toBe(false);
    raiseCancelFlag(flag);
    // A clone of a SharedArrayBuffer view shares the memory, as a worker's copy does.
    expect(isCancelRaised(seenByWorker)).toBe(true);
  });

  it("is a no-op without shared memory", () => {
    expect(() => raiseCancelFlag(undefined)).not.toThrow();
    expect(isCancelRaised(undefined)).toBe(false);
  });
});
