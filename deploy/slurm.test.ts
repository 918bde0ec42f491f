/**
 * deploy/slurm: the array task id -> --shard arithmetic of sets-array.sbatch (ids from 0 or
 * from 1), the merge script's command line, and submit.sh's two sbatch calls (a fake sbatch),
 * all with HEADFLOW_DRY_RUN=1 where the CLI would run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const SLURM = join(dirname(fileURLToPath(import.meta.url)), "slurm");
const work = mkdtempSync(join(tmpdir(), "headflow-slurm-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function bash(script: string, args: string[], env: Record<string, string | undefined>) {
  return spawnSync("bash", [join(SLURM, script), ...args], {
    encoding: "utf8",
    // stdin from /dev/null: bash sources ~/.bashrc when stdin is a socket (Node's pipes are).
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH, HEADFLOW_DRY_RUN: "1", ...env },
  });
}

/** One array task of sets-array.sbatch as Slurm would start it for `--array=first-last`. */
function task(n: number, id: number, first: number, last: number, base?: string) {
  return bash("sets-array.sbatch", ["--device", "cpu"], {
    HEADFLOW_SHARDS: String(n),
    HEADFLOW_LIST: "/shared/list.json",
    HEADFLOW_JOB_DIR: "/shared/job",
    HEADFLOW_ARRAY_BASE: base,
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_MIN: String(first),
    SLURM_ARRAY_TASK_MAX: String(last),
    SLURM_ARRAY_TASK_COUNT: String(last - first + 1),
  });
}

function shardOf(run: ReturnType<typeof task>, n: number): number {
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const match =
    /^headflow sets --list \/shared\/list\.json --shard (\d+)\/(\d+) --job-dir \/shared\/job --device cpu\n$/.exec(
      run.stdout,
    );
  expect(match, run.stdout).not.toBeNull();
  expect(Number(match![2])).toBe(n);
  return Number(match![1]);
}

const everyShard = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("sets-array.sbatch: array task id -> --shard I/N", () => {
  it.each([1, 2, 3, 4, 5])("N=%i: each shard 1..N exactly once, ids from 1 or from 0", (n) => {
    const ids = (first: number) => Array.from({ length: n }, (_, i) => first + i);
    // --array=1-N: read as 1-based whether the base is inferred or set (as submit.sh does).
    for (const base of [undefined, "1"]) {
      expect(ids(1).map((id) => shardOf(task(n, id, 1, n, base), n))).toEqual(everyShard(n));
    }
    // --array=0-(N-1): SLURM_ARRAY_TASK_MIN=0 makes it 0-based, or HEADFLOW_ARRAY_BASE=0.
    for (const base of [undefined, "0"]) {
      expect(ids(0).map((id) => shardOf(task(n, id, 0, n - 1, base), n))).toEqual(everyShard(n));
    }
  });

  it("a resubmitted single shard (--array=3) is shard 3, or 4 with ids from 0", () => {
    expect(shardOf(task(5, 3, 3, 3), 5)).toBe(3);
    expect(shardOf(task(5, 3, 3, 3, "0"), 5)).toBe(4);
  });

  it("stops with exit 2 on a task id that is no shard, or a missing setting", () => {
    const refused = [
      task(4, 0, 0, 4, "1"), // id 0 with ids from 1
      task(4, 4, 0, 4), // --array=0-4 for N=4: five tasks, the last is no shard
      task(4, 5, 1, 5), // --array=1-5 for N=4
      task(4, 1, 1, 4, "2"),
      bash("sets-array.sbatch", [], {
        HEADFLOW_SHARDS: "4",
        HEADFLOW_LIST: "l",
        HEADFLOW_JOB_DIR: "d",
      }),
      bash("sets-array.sbatch", [], {
        SLURM_ARRAY_TASK_ID: "1",
        HEADFLOW_LIST: "l",
        HEADFLOW_JOB_DIR: "d",
      }),
      bash("sets-array.sbatch", [], { HEADFLOW_SHARDS: "0", SLURM_ARRAY_TASK_ID: "1" }),
    ];
    for (const run of refused) {
      expect(run.status).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^headflow-shard: /);
    }
    expect(refused[0]!.stderr).toMatch(
      /array task 0 is no shard of 4: with ids from 1 the tasks are 1..4/,
    );
    expect(refused[4]!.stderr).toMatch(/SLURM_ARRAY_TASK_ID is unset/);
  });

  it("runs the CLI as HEADFLOW_CMD says, with the options given to the script", () => {
    const run = bash("sets-array.sbatch", ["--device", "cuda", "--samples", "500"], {
      HEADFLOW_CMD: "apptainer exec --nv /shared/headflow-gpu.sif headflow",
      HEADFLOW_SHARDS: "2",
      HEADFLOW_LIST: "/shared/list.json",
      HEADFLOW_JOB_DIR: "/shared/job",
      SLURM_ARRAY_TASK_ID: "2",
      SLURM_ARRAY_TASK_MIN: "1",
    });
    expect(run.stdout).toBe(
      "apptainer exec --nv /shared/headflow-gpu.sif headflow sets --list /shared/list.json " +
        "--shard 2/2 --job-dir /shared/job --device cuda --samples 500\n",
    );
  });
});

describe("merge.sbatch", () => {
  it("merges this N's shard files into result.json", () => {
    const dir = mkdtempSync(join(work, "job-"));
    const merge = () => bash("merge.sbatch", [], { HEADFLOW_JOB_DIR: dir, HEADFLOW_SHARDS: "3" });
    expect(merge().status).toBe(2);
    expect(merge().stderr).toMatch(/no shard results shard-\*-of-3.json/);
    for (const f of ["shard-3-of-3.json", "shard-1-of-3.json", "shard-2-of-3.json"])
      writeFileSync(join(dir, f), "{}");
    writeFileSync(join(dir, "shard-2-of-4.json"), "{}"); // a stale shard of another N
    const run = merge();
    expect(run.status).toBe(0);
    const shardFiles = [1, 2, 3].map((i) => `${dir}/shard-${i}-of-3.json`).join(" ");
    expect(run.stdout).toBe(`headflow merge ${shardFiles} --out ${dir}/result.json\n`);
  });
});

describe("submit.sh", () => {
  const bin = mkdtempSync(join(work, "bin-"));
  // An sbatch that logs its arguments and answers --parsable as a federated cluster does.
  writeFileSync(
    join(bin, "sbatch"),
    `#!/bin/bash
echo "$*" >> "$SBATCH_LOG"
n=$(wc -l < "$SBATCH_LOG")
echo "$((4000 + n));cluster1"
`,
  );
  chmodSync(join(bin, "sbatch"), 0o755);
  const list = join(work, "list.json");
  writeFileSync(list, "[]");

  function submit(args: string[]) {
    const log = join(work, `sbatch-${Math.random()}.log`);
    writeFileSync(log, "");
    const run = spawnSync("bash", [join(SLURM, "submit.sh"), ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      cwd: work,
      env: { PATH: `${bin}:${process.env.PATH}`, SBATCH_LOG: log },
    });
    const calls = readFileSync(log, "utf8").trim().split("\n").filter(Boolean);
    return { ...run, calls: calls.map((call) => call.replaceAll(SLURM + "/", "")) };
  }
  const exported = `--export=ALL,HEADFLOW_LIST=${list},HEADFLOW_JOB_DIR=${work}/job,HEADFLOW_SHARDS=5,HEADFLOW_ARRAY_BASE=1`;

  it("submits the array 1-N, then the merge after it (afterok)", () => {
    const run = submit([
      "--list",
      "list.json",
      "--job-dir",
      "job",
      "--shards",
      "5",
      "--",
      "--seed",
      "7",
    ]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      `--parsable --array=1-5 ${exported} sets-array.sbatch --device cpu --seed 7`,
      `--parsable --dependency=afterok:4001 --kill-on-invalid-dep=yes ${exported} merge.sbatch`,
    ]);
    expect(run.stdout).toMatch(/shards: job 4001 \(array 1-5 of 5\), merge: job 4002/);
    expect(run.stdout).toContain(`headflow status ${work}/job`);
  });

  it("the submitted array's tasks run every shard once, and the merge takes them", () => {
    const run = submit(["--list", list, "--job-dir", join(work, "job"), "--shards", "5"]);
    const [sets, merge] = run.calls;
    const env = (call: string) =>
      Object.fromEntries(
        /--export=ALL,(\S+)/
          .exec(call)![1]!
          .split(",")
          .map((kv) => kv.split("=")),
      ) as Record<string, string>;
    const [, first, last] = /--array=(\d+)-(\d+)/.exec(sets!)!.map(Number);
    const shards = [];
    for (let id = first!; id <= last!; id++) {
      const out = bash("sets-array.sbatch", ["--device", "cpu"], {
        ...env(sets!),
        SLURM_ARRAY_TASK_ID: String(id),
        SLURM_ARRAY_TASK_MIN: String(first),
      }).stdout;
      shards.push(Number(/--shard (\d+)\/5 /.exec(out)![1]));
    }
    expect(shards).toEqual(everyShard(5));
    const jobDir = env(merge!).HEADFLOW_JOB_DIR!;
    for (const i of everyShard(5)) writeFileSync(join(jobDir, `shard-${i}-of-5.json`), "{}");
    const merged = bash("merge.sbatch", [], env(merge!)).stdout;
    expect(merged).toMatch(
      /^headflow merge (\S+shard-\d-of-5\.json ){5}--out \S+\/job\/result\.json\n$/,
    );
  });

  it("--gpu asks each shard for a GPU and runs --device cuda; --sbatch-arg goes to both", () => {
    const run = submit([
      "--list",
      list,
      "--job-dir",
      "job",
      "--shards",
      "5",
      "--gpu",
      "--sbatch-arg=--partition=gpu",
      "--sbatch-arg",
      "--account=lab",
    ]);
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      `--parsable --array=1-5 ${exported} --gres=gpu:1 --partition=gpu --account=lab sets-array.sbatch --device cuda`,
      `--parsable --dependency=afterok:4001 --kill-on-invalid-dep=yes ${exported} --partition=gpu --account=lab merge.sbatch`,
    ]);
  });

  it("--only resubmits some shards and a new merge; a shard outside 1..N is refused", () => {
    const run = submit(["--list", list, "--job-dir", "job", "--shards", "5", "--only", "2,4-5"]);
    expect(run.calls[0]).toMatch(/^--parsable --array=2,4-5 /);
    expect(run.calls[1]).toMatch(/--dependency=afterok:4001 /);
    for (const only of ["6", "0", "2-7", "a"]) {
      const refused = submit(["--list", list, "--job-dir", "job", "--shards", "5", "--only", only]);
      expect(refused.status).toBe(2);
      expect(refused.calls).toEqual([]);
    }
  });

  it("refuses a missing list or shard count, with usage", () => {
    expect(
      submit(["--list", join(work, "nope.json"), "--job-dir", "j", "--shards", "2"]).stderr,
    ).toMatch(/no image list at/);
    const usage = submit(["--list", list, "--job-dir", "j"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^usage: /);
    expect(usage.calls).toEqual([]);
  });
});

it("the scripts are valid bash", () => {
  for (const script of ["sets-array.sbatch", "merge.sbatch", "submit.sh"])
    execFileSync("bash", ["-n", join(SLURM, script)]);
});
