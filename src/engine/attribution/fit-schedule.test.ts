import { describe, expect, it } from "vitest";
import { FitSchedule, firstCheck, REFRESH_PARTS } from "./fit-schedule";
import { isHeldOut } from "./masks";

describe("FitSchedule", () => {
  it("starts at the first count with more training masks than heads", () => {
    for (const [size, holdout] of [
      [64, 0.15],
      [7, 0.3],
      [1, 0.1],
    ] as const) {
      let train = 0;
      let count = 0;
      while (train <= size) {
        if (!isHeldOut(count, holdout)) train++;
        count++;
      }
      expect(firstCheck(size, holdout)).toBe(count);
    }
  });

  it("spaces the checks geometrically and ends at the run's size", () => {
    const schedule = new FitSchedule(64, 0.15, 1000, 1.25);
    const { checks } = schedule;
    expect(checks[0]).toBe(firstCheck(64, 0.15));
    expect(checks.at(-1)).toBe(1000);
    for (let i = 1; i < checks.length - 1; i++) {
      expect(checks[i]).toBe(Math.ceil(checks[i - 1]! * 1.25));
    }
    expect(schedule.isCheck(checks[3]!)).toBe(true);
    expect(schedule.isCheck(checks[3]! + 1)).toBe(false);
    expect(schedule.checkAfter(0)).toBe(checks[0]);
    expect(schedule.checkAfter(checks[2]!)).toBe(checks[3]);
    expect(schedule.checkAfter(checks[2]! + 1)).toBe(checks[3]);
    expect(schedule.checkAfter(1000)).toBe(1000);
  });

  it("refits a few dozen times in a run of ten million masks, whatever the batches", () => {
    const samples = 10_000_000;
    const schedule = new FitSchedule(64, 0.15, samples, 1.25);
    let refits = 0;
    let lastRefit = 0;
    let longestGap = 0;
    for (let received = 4096; received <= samples; received += 4096) {
      if (schedule.due(received)) {
        refits++;
        if (lastRefit > 0) longestGap = Math.max(longestGap, received - lastRefit);
        lastRefit = received;
      }
    }
    const checks = schedule.checks.length;
    expect(refits).toBeLessThanOrEqual(checks + REFRESH_PARTS);
    expect(refits).toBeGreaterThan(REFRESH_PARTS / 2);
    // The live estimate still moves at least every 1/32 of the run (plus one batch).
    expect(longestGap).toBeLessThanOrEqual(samples / REFRESH_PARTS + 4096);
  });
});
