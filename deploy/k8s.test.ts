/**
 * deploy/k8s: every manifest against the Kubernetes schema (offline, kubernetes-models), the
 * Indexed Job's completion index -> --shard arithmetic and the merge Job's command line (their
 * shell snippets run with HEADFLOW_DRY_RUN=1), and run.sh's order of kubectl calls.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { manifestProblems, parseManifests } from "./k8s-validate";

const K8S = join(dirname(fileURLToPath(import.meta.url)), "k8s");
const files = readdirSync(K8S).filter((f) => f.endsWith(".yaml"));

interface Container {
  name: string;
  image: string;
  command: string[];
  args?: string[];
  env?: { name: string; value: string }[];
  resources: { limits?: Record<string, unknown> };
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  volumes: { name: string; persistentVolumeClaim: { claimName: string } }[];
  tolerations?: unknown[];
}
interface Job {
  metadata: { name: string };
  spec: { completions?: number; completionMode?: string; template: { spec: PodSpec } };
}

function load<T>(file: string): T {
  const docs = parseManifests(readFileSync(join(K8S, file), "utf8"), file);
  expect(docs).toHaveLength(1);
  return docs[0] as T;
}
const setsJob = load<Job>("sets-job.yaml");
const gpuJob = load<Job>("sets-job-gpu.yaml");
const mergeJob = load<Job>("merge-job.yaml");
const pvc = load<{ metadata: { name: string }; spec: { accessModes: string[] } }>("pvc.yaml");

const container = (job: Job) => job.spec.template.spec.containers[0]!;
const envOf = (job: Job) =>
  Object.fromEntries((container(job).env ?? []).map(({ name, value }) => [name, value]));

/** Runs a container's `sh -c SCRIPT NAME` command with `shell`, args appended as k8s does. */
function runContainer(job: Job, shell: string, env: Record<string, string>) {
  const [sh, flag, script, name] = container(job).command;
  expect([sh, flag]).toEqual(["/bin/sh", "-c"]);
  return spawnSync(shell, ["-c", script!, name!, ...(container(job).args ?? [])], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH, ...envOf(job), HEADFLOW_DRY_RUN: "1", ...env },
  });
}

// bash, and the shell the image's /bin/sh is (dash on Debian) where this machine has it.
const shells = ["bash", "dash"].filter((s) => spawnSync(s, ["-c", "true"]).status === 0);

describe("Kubernetes manifests", () => {
  it.each(files)("%s parses and validates against the Kubernetes schema", (file) => {
    const docs = parseManifests(readFileSync(join(K8S, file), "utf8"), file);
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) expect(manifestProblems(doc)).toEqual([]);
  });

  it("finds broken manifests: bad YAML, wrong types and values, unknown fields", () => {
    const text = readFileSync(join(K8S, "sets-job.yaml"), "utf8");
    expect(() => parseManifests(text.replace("  completions: 4", "completions: 4"))).toThrow();
    expect(() => parseManifests(text.replace('"1000"', "on"))).toThrow(/YAML 1.1/);
    const mutate = (change: (job: Job & Record<string, never>) => void) => {
      const copy = structuredClone(setsJob) as Job & Record<string, never>;
      change(copy);
      return manifestProblems(copy);
    };
    expect(mutate((j) => Object.assign(j.spec, { completions: "4" }))).toEqual([
      "data/spec/completions must be integer",
    ]);
    expect(mutate((j) => Object.assign(j.spec, { completionMode: "Index" }))[0]).toMatch(
      /completionMode must be equal to one of the allowed values/,
    );
    expect(mutate((j) => Object.assign(container(j), { imag: "x" }))).toEqual([
      "unknown field /spec/template/spec/containers/0/imag",
    ]);
    expect(mutate((j) => delete (container(j) as Partial<Container>).name)[0]).toMatch(
      /must have required property '?name'?/,
    );
    expect(mutate((j) => Object.assign(j, { kind: "Jobs" }))[0]).toMatch(/no schema here/);
  });

  it("the jobs agree with each other and with the volume", () => {
    expect(pvc.spec.accessModes).toContain("ReadWriteMany");
    for (const job of [setsJob, gpuJob, mergeJob]) {
      const pod = job.spec.template.spec;
      expect(pod.volumes).toEqual([
        { name: "data", persistentVolumeClaim: { claimName: pvc.metadata.name } },
      ]);
      expect(container(job).volumeMounts).toEqual([{ name: "data", mountPath: "/data" }]);
      expect(envOf(job).HEADFLOW_SHARDS).toBe(String(setsJob.spec.completions));
      expect(envOf(job).HEADFLOW_JOB_DIR).toBe(envOf(setsJob).HEADFLOW_JOB_DIR);
    }
    expect(setsJob.spec.completionMode).toBe("Indexed");
    expect(gpuJob.metadata.name).toBe(setsJob.metadata.name);
    expect(container(setsJob).args?.slice(0, 2)).toEqual(["--device", "cpu"]);
    expect(container(gpuJob).args?.slice(0, 2)).toEqual(["--device", "cuda"]);
    expect(container(gpuJob).resources.limits?.["nvidia.com/gpu"]).toBe(1);
    expect(container(gpuJob).image).toMatch(/:gpu$/);
    // Otherwise the GPU variant is the same Job.
    const cpuLike = structuredClone(gpuJob);
    const c = container(cpuLike);
    c.image = container(setsJob).image;
    c.args = container(setsJob).args!;
    delete c.resources.limits?.["nvidia.com/gpu"];
    delete cpuLike.spec.template.spec.tolerations;
    expect(cpuLike).toEqual(setsJob);
  });
});

describe.each(shells)("the Indexed Job's shard arithmetic (%s)", (shell) => {
  it.each([1, 2, 3, 4, 5])("N=%i: completion indexes 0..N-1 run each shard 1..N once", (n) => {
    for (const job of [setsJob, gpuJob]) {
      const shards = Array.from({ length: n }, (_, index) => {
        const run = runContainer(job, shell, {
          HEADFLOW_SHARDS: String(n),
          JOB_COMPLETION_INDEX: String(index),
        });
        expect(run.stderr).toBe("");
        expect(run.status).toBe(0);
        const device = container(job).args![1];
        expect(run.stdout).toBe(
          `headflow sets --list /data/list.json --shard ${index + 1}/${n} --job-dir /data/job ` +
            `--device ${device} --samples 1000 --seed 0\n`,
        );
        return index + 1;
      });
      expect(shards).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
  });

  it("refuses an index outside the shards, or no index", () => {
    const outside = runContainer(setsJob, shell, {
      HEADFLOW_SHARDS: "3",
      JOB_COMPLETION_INDEX: "3",
    });
    expect(outside.status).toBe(2);
    expect(outside.stderr).toMatch(/outside 0..2: HEADFLOW_SHARDS must equal spec.completions/);
    expect(outside.stdout).toBe("");
    const none = runContainer(setsJob, shell, { HEADFLOW_SHARDS: "3" });
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/JOB_COMPLETION_INDEX is unset/);
  });

  it("the merge Job merges this N's shard files into result.json", () => {
    const dir = mkdtempSync(join(tmpdir(), "headflow-k8s-merge-"));
    try {
      const empty = runContainer(mergeJob, shell, { HEADFLOW_JOB_DIR: dir, HEADFLOW_SHARDS: "3" });
      expect(empty.status).toBe(2);
      expect(empty.stderr).toMatch(/no shard results shard-\*-of-3.json/);
      // Per-image results and a stale shard of another N stay out of the merge.
      for (const f of ["shard-2-of-3.json", "shard-1-of-3.json", "shard-3-of-3.json"])
        writeFileSync(join(dir, f), "{}");
      writeFileSync(join(dir, "shard-1-of-2.json"), "{}");
      writeFileSync(join(dir, "image-0001.json"), "{}");
      const run = runContainer(mergeJob, shell, { HEADFLOW_JOB_DIR: dir, HEADFLOW_SHARDS: "3" });
      expect(run.status).toBe(0);
      const shardFiles = [1, 2, 3].map((i) => `${dir}/shard-${i}-of-3.json`).join(" ");
      expect(run.stdout).toBe(`headflow merge ${shardFiles} --out ${dir}/result.json\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("run.sh", () => {
  const dir = mkdtempSync(join(tmpdir(), "headflow-k8s-run-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A kubectl that logs its arguments and reports each job's condition.
  writeFileSync(
    join(dir, "kubectl"),
    `#!/bin/bash
echo "$*" >> "$KUBECTL_LOG"
if [[ $1 == get || $3 == get ]]; then
  [[ " $* " == *" $FAIL_JOB "* ]] && echo "FailureTarget Failed " || echo "SuccessCriteriaMet Complete "
fi
`,
  );
  chmodSync(join(dir, "kubectl"), 0o755);
  const runSh = (args: string[], failJob = "none") => {
    const log = join(dir, `log-${Math.random()}`);
    writeFileSync(log, "");
    const run = spawnSync("bash", [join(K8S, "run.sh"), ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: `${dir}:${process.env.PATH}`,
        KUBECTL_LOG: log,
        FAIL_JOB: failJob,
        HEADFLOW_POLL_S: "0",
      },
    });
    const calls = readFileSync(log, "utf8")
      .replaceAll(K8S + "/", "")
      .trim()
      .split("\n");
    return { ...run, calls };
  };

  it("applies the volume and the sets job, waits for it, then runs the merge job", () => {
    const run = runSh([]);
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      "apply -f pvc.yaml",
      "delete job headflow-sets headflow-merge --ignore-not-found",
      "apply -f sets-job.yaml",
      expect.stringMatching(/^get job headflow-sets -o jsonpath=/),
      "apply -f merge-job.yaml",
      expect.stringMatching(/^get job headflow-merge -o jsonpath=/),
    ]);
    expect(run.stdout).toMatch(/merged: \/data\/job\/result.json/);
  });

  it("--gpu applies the GPU variant; --namespace goes to every call", () => {
    const run = runSh(["--gpu", "--namespace", "lab"]);
    expect(run.status).toBe(0);
    expect(run.calls[2]).toBe("--namespace lab apply -f sets-job-gpu.yaml");
    expect(run.calls.every((call) => call.startsWith("--namespace lab "))).toBe(true);
  });

  it("does not merge when the sets job failed", () => {
    const run = runSh([], "headflow-sets");
    expect(run.status).toBe(1);
    expect(run.calls.some((call) => call.includes("merge-job.yaml"))).toBe(false);
    expect(run.stderr).toMatch(/job\/headflow-sets failed/);
    expect(run.stderr).toMatch(/finished images are skipped/);
  });
});

it("the scripts are valid bash", () => {
  execFileSync("bash", ["-n", join(K8S, "run.sh")]);
});
