/**
 * `headflow sets --job-dir` as a cluster runs it: separate shard processes, one killed
 * mid-way and run again (it resumes from its stored images), `status` over the folder,
 * and `merge DIR/shard-*.json` equal to a single run (but for timings and createdAt).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { SetsResult } from "../engine";
import { runCliCaptured } from "./cli";
import type { JobStatus } from "./job/job-status";
import type { ProgressLine } from "./progress";

const dir = mkdtempSync(join(tmpdir(), "headflow-job-"));
const root = resolve("public/samples/sets");
const files = ["cat/twemoji-0.png", "cat/noto-0.png", "dog/twemoji-0.png", "dog/noto-0.png"];
const list = join(dir, "list.json");
writeFileSync(
  list,
  JSON.stringify(
    files.map((file) => ({
      file: join(root, file),
      category: file.split("/")[0],
      style: file.split("/")[1]!.replace(/-\d\.png$/, ""),
    })),
  ),
);
const job = join(dir, "job");
const settings = ["--baseline", "blank", "--samples", "20", "--permutations", "99"];

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: (ProgressLine & { event?: string })[];
}

/** `headflow sets` in its own process; `killAfter` images done, it is SIGKILLed. */
function shardProcess(shard: string, killAfter?: number): Promise<Run> {
  const child = spawn(
    process.execPath,
    ["bin/headflow.mjs", "sets", "--list", list, ...settings, "--shard", shard, "--job-dir", job],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const lines: Run["lines"] = [];
  let pending = "";
  child.stderr.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split("\n");
    pending = complete.pop()!;
    for (const text of complete) {
      const line = JSON.parse(text) as Run["lines"][number];
      lines.push(line);
      if (line.done === killAfter) child.kill("SIGKILL");
    }
  });
  return new Promise((done) => child.on("close", (code, signal) => done({ code, signal, lines })));
}

describe("sets --job-dir", () => {
  it("resumes a killed shard and merges to the single run", async () => {
    const [killed, second] = await Promise.all([shardProcess("1/2", 1), shardProcess("2/2")]);
    expect(killed.signal).toBe("SIGKILL");
    expect(second.code).toBe(0);
    expect(second.lines.map((l) => [l.shard, l.done, l.total, l.reused])).toEqual([
      ["2/2", 1, 2, false],
      ["2/2", 2, 2, false],
    ]);
    expect(readdirSync(job).filter((f) => f.startsWith("shard-"))).toEqual(["shard-2-of-2.json"]);

    const midway = await runCliCaptured(["status", job]);
    const status = JSON.parse(midway.stdout) as JobStatus;
    expect(status.shards.map((s) => [s.shard, s.state, s.done, s.total])).toEqual([
      ["1/2", "started", 1, 2],
      ["2/2", "finished", 2, 2],
    ]);
    expect([status.done, status.total, status.finishedShards, status.missingShards]).toEqual([
      3,
      4,
      1,
      [],
    ]);
    await expectMergeError(
      /the shards miss 2 of 4 images \(list indices 0-1\); missing shards: 1\/2/,
    );

    const resumed = await shardProcess("1/2");
    expect(resumed.code).toBe(0);
    // The image finished before the kill is reused, the other computed.
    expect(resumed.lines.map((l) => [l.done, l.reused])).toEqual([
      [1, true],
      [2, false],
    ]);

    const shardFiles = readdirSync(job)
      .filter((f) => /^shard-.*\.json$/.test(f))
      .map((f) => join(job, f));
    const merged = await runCliCaptured(["merge", ...shardFiles]);
    expect(merged.code).toBe(0);
    const single = await runCliCaptured(["sets", "--list", list, ...settings]);
    const strip = (text: string) => {
      const { timings: _t, createdAt: _c, ...rest } = JSON.parse(text) as SetsResult;
      return rest;
    };
    expect(strip(merged.stdout)).toEqual(strip(single.stdout));

    // A shard of other settings is refused by fingerprint, naming both files.
    const other = join(dir, "other");
    const changed = await runCliCaptured([
      "sets",
      "--list",
      list,
      ...settings.slice(0, -2),
      "--permutations",
      "98",
      "--shard",
      "1/2",
      "--job-dir",
      other,
    ]);
    expect(changed.code).toBe(0);
    const mixed = await runCliCaptured(["merge", shardFiles[1]!, join(other, "shard-1-of-2.json")]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(
      /other\/shard-1-of-2\.json has fingerprint \w+ \(4 images\) but .*job\/shard-2-of-2\.json has \w+ \(4 images\); they come from different image lists or settings/,
    );
    const finalStatus = JSON.parse((await runCliCaptured(["status", job])).stdout) as JobStatus;
    expect([finalStatus.done, finalStatus.finishedShards]).toEqual([4, 2]);
    expect(JSON.parse(readFileSync(join(job, "shard-1-of-2.json"), "utf8")).shard).toEqual({
      index: 1,
      count: 2,
    });
  }, 120_000);
});

async function expectMergeError(pattern: RegExp) {
  const shardFiles = readdirSync(job)
    .filter((f) => /^shard-.*\.json$/.test(f))
    .map((f) => join(job, f));
  const { code, stderr } = await runCliCaptured(["merge", ...shardFiles]);
  expect(code).toBe(2);
  expect(stderr).toMatch(pattern);
}
