/**
 * `attribute --baselines` and `compare` on the bundled model (small settings): JSON that
 * their schemas read back, numbers that agree with the single-baseline runs and with each
 * other, and one-line errors.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAttributionResult, parseBaselinesResult, parseCompareResult } from "../engine";
import { runCliCaptured } from "./cli";

const dir = mkdtempSync(join(tmpdir(), "headflow-trust-"));
const sample = resolve("public/samples/sample-00.png");
const small = ["--samples", "64", "--batch", "32", "--seed", "3"];

describe("headflow attribute --baselines", () => {
  it("runs each baseline on the same masks and compares them; compare agrees", async () => {
    const run = await runCliCaptured([
      "attribute",
      "--image",
      sample,
      ...small,
      "--baselines",
      "mean,blank",
      "--top-k",
      "5",
    ]);
    expect(run.code).toBe(0);
    const result = parseBaselinesResult(JSON.parse(run.stdout));
    expect(result.baselines).toEqual(["mean", "blank"]);
    expect(result.topK).toBe(5);

    const blank = await runCliCaptured([
      "attribute",
      "--image",
      sample,
      ...small,
      "--baseline",
      "blank",
    ]);
    expect(parseAttributionResult(JSON.parse(blank.stdout)).scores).toEqual(
      result.attributions[1]!.scores,
    );

    const [a, b] = result.attributions.map((attribution, i) => {
      const file = join(dir, `run-${i}.json`);
      writeFileSync(file, JSON.stringify(attribution));
      return file;
    });
    const compared = await runCliCaptured(["compare", a!, b!, "--top-k", "5"]);
    expect(compared.stderr).toBe("");
    const comparison = parseCompareResult(JSON.parse(compared.stdout));
    expect(comparison.sameGrid).toBe(true);
    expect(comparison.topKOverlap).toBe(result.pairs[0]!.topKOverlap);
    expect(comparison.spearman).toBeCloseTo(result.pairs[0]!.spearman!, 12);
    expect(comparison.a.top).toHaveLength(5);
  }, 120_000);

  it("refuses --baseline with --baselines, a single baseline and a repeated one", async () => {
    const refused = async (...extra: string[]) => {
      const { code, stderr } = await runCliCaptured(["attribute", "--image", sample, ...extra]);
      expect(code).toBe(2);
      return stderr;
    };
    expect(await refused("--baselines", "mean,blank", "--baseline", "blank")).toContain(
      "give either --baseline or --baselines, not both",
    );
    expect(await refused("--baselines", "mean")).toContain("--baselines takes 2..8 baselines");
    expect(await refused("--baselines", "mean,mean")).toContain("--baselines names mean twice");
  }, 60_000);
});

describe("headflow compare", () => {
  it("needs two files of a schema it reads, and a set name only for a sets result", async () => {
    const one = await runCliCaptured(["compare", "a.json"]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain("give two result files to compare (got 1)");
    const other = join(dir, "other.json");
    writeFileSync(other, JSON.stringify({ schema: "headflow.flow/1" }));
    const wrong = await runCliCaptured(["compare", other, other]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      'other.json: schema is "headflow.flow/1"; compare reads headflow.attribution/1 or headflow.sets/1',
    );
  });
});
