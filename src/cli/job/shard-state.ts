/**
 * A shard's progress file, DIR/state/shard-I-of-N.json, rewritten (atomically) when the
 * shard starts, after each image and when it ends: what `headflow status DIR` sums. The
 * shard's result goes to DIR/shard-I-of-N.json, the file `headflow merge` takes (the state
 * files live in their own folder so that `merge DIR/shard-*.json` matches results only).
 */
import { join } from "node:path";
import { writeJsonAtomic } from "./atomic-json";

export const SHARD_STATE_SCHEMA = "headflow.sets-shard-state/1";

export interface ShardRef {
  index: number;
  count: number;
}

export interface ShardState {
  schema: typeof SHARD_STATE_SCHEMA;
  shard: ShardRef;
  /** Fingerprint of the list and settings (null until the first image is looked up). */
  fingerprint: string | null;
  /** Images in the whole list. */
  listTotal: number;
  /** This shard's images: list indices [start, end). */
  start: number;
  end: number;
  /** Images finished in this run, reused ones included. */
  done: number;
  reused: number;
  finished: boolean;
  startedAt: string;
  updatedAt: string;
}

const name = (shard: ShardRef, suffix: string) => `shard-${shard.index}-of-${shard.count}${suffix}`;

export const shardResultPath = (dir: string, shard: ShardRef) => join(dir, name(shard, ".json"));
export const stateFolder = (dir: string) => join(dir, "state");
export const shardStatePath = (dir: string, shard: ShardRef) =>
  join(stateFolder(dir), name(shard, ".json"));

/** `shard-2-of-4.json` (in the state folder) -> {index: 2, count: 4}. */
export function shardOfStateFile(file: string): ShardRef | null {
  const match = /^shard-(\d+)-of-(\d+)\.json$/.exec(file);
  return match ? { index: Number(match[1]), count: Number(match[2]) } : null;
}

/** Keeps one shard's state file current. */
export class ShardJournal {
  private state: ShardState;
  private readonly path: string;

  constructor(dir: string, shard: ShardRef, listTotal: number) {
    this.path = shardStatePath(dir, shard);
    const now = new Date().toISOString();
    this.state = {
      schema: SHARD_STATE_SCHEMA,
      shard,
      fingerprint: null,
      listTotal,
      start: 0,
      end: 0,
      done: 0,
      reused: 0,
      finished: false,
      startedAt: now,
      updatedAt: now,
    };
  }

  begin(start: number, end: number): Promise<void> {
    return this.write({ start, end });
  }

  fingerprint(value: string): void {
    this.state.fingerprint = value;
  }

  imageDone(reused: boolean): Promise<void> {
    return this.write({ done: this.state.done + 1, reused: this.state.reused + (reused ? 1 : 0) });
  }

  finish(): Promise<void> {
    return this.write({ finished: true });
  }

  private write(change: Partial<ShardState>): Promise<void> {
    this.state = { ...this.state, ...change, updatedAt: new Date().toISOString() };
    return writeJsonAtomic(this.path, this.state);
  }
}
