/** The CLI on third-party exports (bring your own VLM): `--model DIR` with a transformers.js export. */
import { describe, expect, it } from "vitest";
import { parseAttributionResult } from "../engine";
import { runCliCaptured } from "./cli";

const cli = (...argv: string[]) => runCliCaptured(argv);

const IMAGE = "public/samples/sample-00.png";

describe.each(["tiny-smolvlm", "tiny-llava"])("headflow --model %s", (name) => {
  const model = `e2e/fixtures/models/${name}`;

  it("attributes over layers x key/value groups", async () => {
    const { code, stdout, stderr } = await cli(
      "attribute",
      "--model",
      model,
      "--image",
      IMAGE,
      "--baseline",
      "blank",
      "--samples",
      "64",
      "--alpha",
      "0.2",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const result = parseAttributionResult(JSON.parse(stdout));
    expect(result.model.id).toBe(name);
    expect(result.model.name).toContain("heads are key/value groups");
    expect([result.layers, result.heads]).toEqual([3, 2]);
  });

  it("refuses the mean baseline with one line naming the way out", async () => {
    const { code, stdout, stderr } = await cli(
      "ablate",
      "--model",
      model,
      "--image",
      IMAGE,
      "--heads",
      "0.0",
    );
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /^headflow: error: the mean baseline needs reference images.*--baseline blank/,
    );
  });
});
