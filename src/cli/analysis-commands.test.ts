/**
 * The analysis commands end to end on the bundled model (plumbing, small settings): JSON
 * that validates against the versioned schemas, one-line errors, and shards + merge equal
 * to one run.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  parseAnalysisJson,
  type EvaluateResult,
  type FlowResult,
  type SetsResult,
} from "../engine";
import { runCliCaptured } from "./cli";
import { nodeProviderProbe } from "./device";

const dir = mkdtempSync(join(tmpdir(), "headflow-analyses-"));
const sample = resolve("public/samples/sets/cat/twemoji-0.png");

const cli = (...argv: string[]) => runCliCaptured(argv);

async function json<T>(...argv: string[]): Promise<T> {
  const { code, stdout, stderr } = await cli(...argv);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  return parseAnalysisJson(JSON.parse(stdout)) as T;
}

/** `sets` writes one JSON progress line per image on stderr when it is not a terminal. */
async function setsJson(...argv: string[]): Promise<SetsResult> {
  const { code, stdout, stderr } = await cli(...argv);
  expect(code).toBe(0);
  for (const line of stderr.trimEnd().split("\n")) {
    expect(Object.keys(JSON.parse(line) as object)).toEqual([
      "shard",
      "done",
      "total",
      "elapsed",
      "eta",
      "file",
      "reused",
    ]);
  }
  return parseAnalysisJson(JSON.parse(stdout)) as SetsResult;
}

async function expectOneLineError(argv: string[], pattern: RegExp) {
  const { code, stdout, stderr } = await cli(...argv);
  expect(code).toBe(2);
  expect(stdout).toBe("");
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(stderr).toMatch(pattern);
}

describe("analysis commands on the bundled model", () => {
  it("evaluate: four methods, curves from 0 to 1 over k = 0..64", async () => {
    const result = await json<EvaluateResult>(
      "evaluate",
      "--image",
      sample,
      "--baseline",
      "blank",
      "--samples",
      "40",
      "--random",
      "2",
    );
    expect(result.schema).toBe("headflow.evaluate/1");
    expect(result.rankings.map((r) => r.method)).toEqual([
      "attribution",
      "attention",
      "single-head",
      "random",
      "random",
    ]);
    for (const ranking of result.rankings) {
      expect(ranking.order).toHaveLength(64);
      expect(ranking.faithfulness).toHaveLength(65);
      expect(ranking.faithfulness[0]).toBe(0);
      expect(ranking.completeness[64]).toBeCloseTo(1, 9);
    }
    expect(result.summary.find((s) => s.method === "random")!.runs).toBe(2);
  });

  it("flow: an empty window changes nothing; groups follow the prompt layout; scene mask from labels.json", async () => {
    const result = await json<FlowResult>(
      "flow",
      "--image",
      sample,
      "--window",
      "0",
      "--pairs",
      "question->final,imageObject->final",
    );
    expect(result.objectMask.source).toBe("scene");
    expect(result.groups.final).toEqual([81]);
    expect(result.groups.role).toEqual([80]);
    expect(result.groups.prefix).toEqual([0, 1]);
    expect(result.curves.flatMap((c) => c.change).every((c) => c === 0)).toBe(true);
    const windowed = await json<FlowResult>(
      "flow",
      "--image",
      sample,
      "--pairs",
      "imageBackground->final",
      "--object-patches",
      "27,28,35,36",
    );
    expect(windowed.objectMask).toEqual({
      source: "mask",
      threshold: null,
      patches: [27, 28, 35, 36],
    });
    expect(windowed.window).toBe(2);
    expect(windowed.curves[0]!.probability).toHaveLength(8);
    await expectOneLineError(
      ["flow", "--image", sample, "--pairs", "image->final"],
      /bad pair "image->final"/,
    );
    await expectOneLineError(
      ["flow", "--image", sample, "--window", "9"],
      /--window must be an integer from 0 to 8/,
    );
  });

  it("patches: object, background and whole-image blocks and an 8 x 8 map", async () => {
    const { code, stdout } = await cli("patches", "--image", sample, "--object-threshold", "0.5");
    expect(code).toBe(0);
    const result = parseAnalysisJson(JSON.parse(stdout));
    if (result.schema !== "headflow.patches/1") throw new Error("wrong schema");
    expect(result.contributions).toHaveLength(8);
    expect(result.object.patches + result.background.patches).toBe(64);
    expect(result.objectMask.source).toBe("contribution");
    await expectOneLineError(
      ["patches", "--image", sample, "--object-patches", "64"],
      /bad object patch "64"/,
    );
  });

  it("sets: shards merged in any order equal the single run", async () => {
    const list = join(dir, "list.json");
    const root = resolve("public/samples/sets");
    const files = [
      "cat/twemoji-0.png",
      "cat/noto-0.png",
      "dog/twemoji-0.png",
      "dog/noto-0.png",
      "car/noto-1.png",
    ];
    writeFileSync(
      list,
      JSON.stringify(
        files.map((file) => ({
          file: join(root, file),
          set: file.split("/")[0],
          category: file.split("/")[0],
          style: file.split("/")[1]!.replace(/-\d\.png$/, ""),
        })),
      ),
    );
    const common = [
      "sets",
      "--list",
      list,
      "--baseline",
      "blank",
      "--samples",
      "20",
      "--permutations",
      "99",
    ];
    const single = await setsJson(...common);
    expect(single.test!.sameCategoryDifferentStyle.pairs).toBe(2);
    expect(single.sets.map((s) => s.name)).toEqual(["cat", "dog", "car"]);
    const shardFiles = [1, 2].map((i) => join(dir, `shard${i}.json`));
    for (const [i, out] of shardFiles.entries()) {
      expect((await cli(...common, "--shard", `${i + 1}/2`, "--out", out)).code).toBe(0);
    }
    const merged = await json<SetsResult>("merge", shardFiles[1]!, shardFiles[0]!);
    const strip = ({ timings: _t, createdAt: _c, ...rest }: SetsResult) => rest;
    expect(strip(merged)).toEqual(strip(single));
    const shard = JSON.parse(readFileSync(shardFiles[0]!, "utf8")) as SetsResult;
    expect(shard.shard).toEqual({ index: 1, count: 2 });
    await expectOneLineError(
      ["merge", shardFiles[0]!],
      /the shards miss 3 of 5 images \(list indices 2-4\); missing shards: 2\/2/,
    );
    await expectOneLineError([...common, "--shard", "3/2"], /--shard must be i\/n/);
    // The default install skips the CUDA provider's download (.npmrc): refused, naming it.
    if (!nodeProviderProbe.libraryExists("libonnxruntime_providers_cuda.so"))
      await expectOneLineError(
        [...common, "--device", "cuda"],
        /--device cuda: the cuda provider's library libonnxruntime_providers_cuda\.so is not installed.*ONNXRUNTIME_NODE_INSTALL=cuda12/,
      );
    await expectOneLineError([...common, "--device", "tpu"], /has no "tpu" execution provider/);
  });
});
