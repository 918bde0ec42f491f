/**
 * Images per hour of `headflow sets` on this machine: real runs (the CLI in its own
 * processes, model loading included) over a few bundled sample images, with 1 process and
 * with 2 processes each running one shard of the list at the same time.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { maxOf } from "../../engine";
import type { ProgressLine } from "../progress";
import { round } from "./stats";

const BIN = fileURLToPath(new URL("../../../bin/headflow.mjs", import.meta.url));
const SAMPLE_SETS = fileURLToPath(new URL("../../../public/samples/sets", import.meta.url));

/** The first image of each bundled sample set, then the second, ... up to `count`. */
export function sampleImages(count: number): string[] {
  const sets = ["cat", "dog", "car", "apple"];
  const styles = ["twemoji-0", "noto-0", "openmoji-0", "fluent-emoji-flat-0"];
  const files = styles.flatMap((style) =>
    sets.map((set) => join(SAMPLE_SETS, set, `${style}.png`)),
  );
  return files.slice(0, count);
}

interface ShardRun {
  /** Seconds from spawning the process to its exit. */
  wallSeconds: number;
  /** Seconds of the images themselves (from the last progress line). */
  imageSeconds: number;
  images: number;
}

function runShard(args: string[]): Promise<ShardRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, "sets", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const lines = stderr
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Partial<ProgressLine>)
        .filter((line) => typeof line.done === "number");
      const last = lines.at(-1);
      if (code !== 0 || !last) {
        reject(new Error(`sets exited ${code}: ${stderr.trim().split("\n").at(-1) ?? ""}`));
        return;
      }
      resolve({
        wallSeconds: (performance.now() - started) / 1000,
        imageSeconds: last.elapsed!,
        images: last.done!,
      });
    });
  });
}

export interface ThroughputOptions {
  images: number;
  processes: number[];
  /** Extra `sets` arguments (--model, --baseline, --samples). */
  args: string[];
  log: (text: string) => void;
}

export async function measureSetsThroughput(options: ThroughputOptions) {
  const dir = mkdtempSync(join(tmpdir(), "headflow-bench-sets-"));
  try {
    const files = sampleImages(options.images);
    const list = join(dir, "list.json");
    writeFileSync(list, JSON.stringify(files.map((file) => ({ file }))));
    const runs = [];
    for (const processes of options.processes) {
      options.log(`sets throughput: ${files.length} images, ${processes} process(es)`);
      const started = performance.now();
      const shards = await Promise.all(
        Array.from({ length: processes }, (_, i) =>
          runShard([
            "--list",
            list,
            "--permutations",
            "0",
            "--shard",
            `${i + 1}/${processes}`,
            "--job-dir",
            join(dir, `job-${processes}`),
            ...options.args,
          ]),
        ),
      );
      const wall = (performance.now() - started) / 1000;
      const imageSeconds = shards.reduce((sum, s) => sum + s.imageSeconds, 0);
      runs.push({
        processes,
        images: files.length,
        wallSeconds: round(wall, 1),
        imagesPerHour: round((files.length / wall) * 3600, 0),
        // Without each process's start-up (model load, baseline): the steady rate.
        imagesPerHourSteady: round(
          (files.length / maxOf(shards.map((s) => s.imageSeconds))) * 3600,
          0,
        ),
        secondsPerImagePerProcess: round(imageSeconds / files.length, 2),
        startupSeconds: shards.map((s) => round(s.wallSeconds - s.imageSeconds, 1)),
      });
    }
    return {
      images: files.map((file) => file.slice(SAMPLE_SETS.length + 1)),
      runs,
      note: "real `headflow sets --job-dir` processes (each loads the model and computes the baseline, then its shard's images); imagesPerHour counts the whole wall time, imagesPerHourSteady the images only; each process uses onnxruntime's default threads (one per core), so 2 processes on this machine share its cores",
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
