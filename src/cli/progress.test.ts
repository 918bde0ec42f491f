/** Progress: the ETA arithmetic, the terminal bar and the JSON lines of long jobs. */
import { describe, expect, it } from "vitest";
import type { CliIo } from "./output";
import { JobProgress, ProgressBar, etaSeconds, formatDuration } from "./progress";

function io(tty: boolean) {
  let stderr = "";
  const value: CliIo = {
    stdout: () => undefined,
    stderr: (t) => void (stderr += t),
    stderrIsTty: tty,
  };
  return { io: value, stderr: () => stderr };
}

describe("progress", () => {
  it("estimates the time left from the pace of the items that took time", () => {
    expect(etaSeconds(10, 2, 3)).toBe(15);
    expect(etaSeconds(10, 0, 3)).toBeNull();
    expect(etaSeconds(10, 0, 0)).toBe(0);
    expect([formatDuration(5), formatDuration(95), formatDuration(4000)]).toEqual([
      "5s",
      "1m35s",
      "1h06m",
    ]);
  });

  it("draws a bar with an ETA on a terminal only", () => {
    const tty = io(true);
    const bar = new ProgressBar(tty.io, "sets");
    bar.update(1, 4);
    expect(tty.stderr()).toMatch(/^\rsets \[#{8}-{22}\] 1\/4 0s ETA 0s/);
    bar.done();
    const pipe = io(false);
    new ProgressBar(pipe.io, "sets").update(1, 4);
    expect(pipe.stderr()).toBe("");
  });

  it("writes one JSON line per image when stderr is not a terminal", () => {
    const pipe = io(false);
    const job = new JobProgress(pipe.io, "sets", { index: 2, count: 3 });
    job.image(1, 2, "a.png", true);
    job.image(2, 2, "b.png", false);
    const lines = pipe
      .stderr()
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.shard, l.done, l.total, l.eta, l.file, l.reused])).toEqual([
      ["2/3", 1, 2, null, "a.png", true],
      ["2/3", 2, 2, 0, "b.png", false],
    ]);
    expect(typeof lines[0]!.elapsed).toBe("number");
    job.note("recompute", { index: 0 }, "recomputing a.png");
    expect(pipe.stderr().trimEnd().split("\n").at(-1)).toBe(
      '{"shard":"2/3","event":"recompute","index":0}',
    );
  });
});
