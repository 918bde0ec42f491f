/**
 * `headflow status DIR`: a job's progress summed over its shards, from the shards' state
 * files and the failure records the image store leaves (images/<index>.failed.json,
 * removed when the image later succeeds).
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { HeadflowError, errorMessage } from "../../engine";
import { formatDuration } from "../progress";
import {
  SHARD_STATE_SCHEMA,
  shardOfStateFile,
  stateFolder,
  type ShardRef,
  type ShardState,
} from "./shard-state";

export const JOB_STATUS_SCHEMA = "headflow.job-status/1";

export interface ShardStatus {
  shard: string;
  /** finished: its result file is written; started: it has begun (running or stopped). */
  state: "finished" | "started" | "not started";
  done: number;
  /** Images in the shard (null when it has not started: its size is not recorded yet). */
  total: number | null;
  reused: number;
  updatedAt: string | null;
}

export interface FailedImage {
  index: number;
  file: string;
  error: string;
  at: string;
}

export interface JobStatus {
  schema: typeof JOB_STATUS_SCHEMA;
  dir: string;
  fingerprint: string | null;
  shards: ShardStatus[];
  done: number;
  total: number | null;
  finishedShards: number;
  shardCount: number | null;
  missingShards: string[];
  failed: FailedImage[];
  /** Things that look wrong: mixed splits, mixed fingerprints, unreadable state files. */
  problems: string[];
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, "utf8")) as unknown;
}

async function readFailures(dir: string): Promise<FailedImage[]> {
  const names = await readdir(join(dir, "images")).catch(() => [] as string[]);
  const failures: FailedImage[] = [];
  for (const name of names.filter((n) => /^\d+\.failed\.json$/.test(n))) {
    const record = (await readJson(join(dir, "images", name)).catch(
      () => null,
    )) as Partial<FailedImage> | null;
    if (record && typeof record.index === "number") {
      failures.push({
        index: record.index,
        file: String(record.file ?? "?"),
        error: String(record.error ?? "?"),
        at: String(record.at ?? "?"),
      });
    }
  }
  return failures.sort((a, b) => a.index - b.index);
}

export async function jobStatus(dir: string): Promise<JobStatus> {
  try {
    await readdir(dir);
  } catch (error) {
    throw new HeadflowError(
      "bad-argument",
      `cannot read job folder ${dir}: ${errorMessage(error)}`,
    );
  }
  const names = await readdir(stateFolder(dir)).catch(() => [] as string[]);
  const problems: string[] = [];
  const states: ShardState[] = [];
  for (const name of names.sort()) {
    const ref = shardOfStateFile(name);
    if (!ref) continue;
    const state = (await readJson(join(stateFolder(dir), name)).catch(
      () => null,
    )) as ShardState | null;
    if (state?.schema !== SHARD_STATE_SCHEMA) problems.push(`state/${name} is unreadable`);
    else states.push(state);
  }
  if (states.length === 0) {
    throw new HeadflowError(
      "bad-argument",
      `${dir} holds no shard state files (state/shard-I-of-N.json): is it a --job-dir of headflow sets?`,
    );
  }
  // The split of the latest update is the job's; states of another split are reported.
  const latest = states.reduce((a, b) => (a.updatedAt >= b.updatedAt ? a : b));
  const count = latest.shard.count;
  const current = states.filter((s) => s.shard.count === count);
  const others = [
    ...new Set(states.filter((s) => s.shard.count !== count).map((s) => s.shard.count)),
  ];
  if (others.length > 0)
    problems.push(`state files of other splits (N = ${others.join(", ")}) are left out`);
  const fingerprints = [...new Set(current.map((s) => s.fingerprint).filter((f) => f !== null))];
  if (fingerprints.length > 1)
    problems.push(
      `shards of different lists or settings (fingerprints ${fingerprints.join(", ")})`,
    );
  const byIndex = new Map(current.map((s) => [s.shard.index, s]));
  const shards: ShardStatus[] = Array.from({ length: count }, (_, i) => {
    const ref: ShardRef = { index: i + 1, count };
    const state = byIndex.get(ref.index);
    return {
      shard: `${ref.index}/${count}`,
      state: !state ? "not started" : state.finished ? "finished" : "started",
      done: state?.done ?? 0,
      total: state ? state.end - state.start : null,
      reused: state?.reused ?? 0,
      updatedAt: state?.updatedAt ?? null,
    };
  });
  return {
    schema: JOB_STATUS_SCHEMA,
    dir,
    fingerprint: latest.fingerprint,
    shards,
    done: shards.reduce((sum, s) => sum + s.done, 0),
    total: latest.listTotal,
    finishedShards: shards.filter((s) => s.state === "finished").length,
    shardCount: count,
    missingShards: shards.filter((s) => s.state === "not started").map((s) => s.shard),
    failed: await readFailures(dir),
    problems,
  };
}

/** The status as text for a terminal. */
export function formatJobStatus(status: JobStatus, now = Date.now()): string {
  const percent = status.total ? ` (${((100 * status.done) / status.total).toFixed(1)}%)` : "";
  const lines = [
    `${status.dir}: ${status.done}/${status.total ?? "?"} images done${percent}, ${status.finishedShards}/${status.shardCount} shards finished, ${status.failed.length} failed`,
  ];
  for (const shard of status.shards) {
    const ago =
      shard.updatedAt === null
        ? ""
        : `, updated ${formatDuration((now - Date.parse(shard.updatedAt)) / 1000)} ago`;
    const reused = shard.reused > 0 ? ` (${shard.reused} reused)` : "";
    lines.push(
      shard.state === "not started"
        ? `  shard ${shard.shard}: not started`
        : `  shard ${shard.shard}: ${shard.done}/${shard.total}${reused} ${shard.state}${ago}`,
    );
  }
  for (const failure of status.failed)
    lines.push(`  failed: image ${failure.index} (${failure.file}): ${failure.error}`);
  for (const problem of status.problems) lines.push(`  problem: ${problem}`);
  return `${lines.join("\n")}\n`;
}
