/** `headflow status`: a job's shards summed from their state and failure files. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatJobStatus, jobStatus } from "./job-status";
import { SHARD_STATE_SCHEMA, shardStatePath, type ShardState } from "./shard-state";

function state(index: number, count: number, fields: Partial<ShardState>): ShardState {
  return {
    schema: SHARD_STATE_SCHEMA,
    shard: { index, count },
    fingerprint: "f",
    listTotal: 10,
    start: 0,
    end: 0,
    done: 0,
    reused: 0,
    finished: false,
    startedAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...fields,
  };
}

describe("jobStatus", () => {
  it("sums done/total per shard and overall, missing shards and failures", async () => {
    const dir = mkdtempSync(join(tmpdir(), "headflow-status-"));
    mkdirSync(join(dir, "state"));
    mkdirSync(join(dir, "images"));
    const write = (s: ShardState) => writeFileSync(shardStatePath(dir, s.shard), JSON.stringify(s));
    write(state(1, 3, { start: 0, end: 3, done: 3, reused: 1, finished: true }));
    write(state(2, 3, { start: 3, end: 6, done: 1, updatedAt: "2026-01-01T00:01:00.000Z" }));
    writeFileSync(
      join(dir, "images", "4.failed.json"),
      JSON.stringify({ index: 4, file: "x.png", error: "not an image", at: "t" }),
    );
    const status = await jobStatus(dir);
    expect(status.shards.map((s) => [s.shard, s.state, s.done, s.total])).toEqual([
      ["1/3", "finished", 3, 3],
      ["2/3", "started", 1, 3],
      ["3/3", "not started", 0, null],
    ]);
    expect([status.done, status.total, status.finishedShards, status.shardCount]).toEqual([
      4, 10, 1, 3,
    ]);
    expect(status.missingShards).toEqual(["3/3"]);
    expect(status.failed).toEqual([{ index: 4, file: "x.png", error: "not an image", at: "t" }]);
    expect(status.problems).toEqual([]);
    const text = formatJobStatus(status, Date.parse("2026-01-01T00:02:00.000Z"));
    expect(text).toBe(
      [
        `${dir}: 4/10 images done (40.0%), 1/3 shards finished, 1 failed`,
        "  shard 1/3: 3/3 (1 reused) finished, updated 2m00s ago",
        "  shard 2/3: 1/3 started, updated 1m00s ago",
        "  shard 3/3: not started",
        "  failed: image 4 (x.png): not an image",
        "",
      ].join("\n"),
    );
    // A state file of another split, and one of other settings, are reported.
    write(state(1, 2, { fingerprint: "g" }));
    write(state(3, 3, { fingerprint: "h", updatedAt: "2026-01-01T00:03:00.000Z" }));
    expect((await jobStatus(dir)).problems).toEqual([
      "state files of other splits (N = 2) are left out",
      "shards of different lists or settings (fingerprints f, h)",
    ]);
  });

  it("refuses a folder that is not a job", async () => {
    const dir = mkdtempSync(join(tmpdir(), "headflow-status-"));
    await expect(jobStatus(dir)).rejects.toThrow(/holds no shard state files/);
    await expect(jobStatus(join(dir, "nope"))).rejects.toThrow(/cannot read job folder/);
  });
});
