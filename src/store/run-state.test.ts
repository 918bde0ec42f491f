import { describe, expect, it } from "vitest";
import { endedBy, failed, latestRequest } from "./run-state";

describe("latestRequest", () => {
  it("lets only the latest request write, and none after a reset", () => {
    const requests = latestRequest();
    const first = requests.start();
    const second = requests.start();
    expect([first(), second()]).toEqual([false, true]);
    requests.invalidate();
    expect(second()).toBe(false);
  });

  it("lets overlapping runs of one generation write until a reset", () => {
    const generation = latestRequest();
    const a = generation.current();
    const b = generation.current();
    expect([a(), b()]).toEqual([true, true]);
    generation.invalidate();
    expect([a(), b()]).toEqual([false, false]);
  });
});

describe("failure states", () => {
  it("says what failed in one line", () => {
    expect(failed(new Error("bad\n  header"), "a.png could not be prepared")).toEqual({
      status: "failed",
      message: "a.png could not be prepared: bad header",
    });
    expect(failed("plain text")).toEqual({ status: "failed", message: "plain text" });
  });

  it("tells a cancellation (an AbortError) from a failure", () => {
    const cancelled = new Error("the analysis was cancelled");
    cancelled.name = "AbortError";
    expect(endedBy(cancelled)).toEqual({ status: "cancelled" });
    expect(endedBy(new Error("out of memory"))).toEqual({
      status: "failed",
      message: "out of memory",
    });
  });
});
