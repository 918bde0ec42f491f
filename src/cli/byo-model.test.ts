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

describe("headflow --dtype", () => {
  const model = "e2e/fixtures/models/tiny-llava";

  it("opens the variant asked for and names it in the result", async () => {
    const { code, stdout, stderr } = await cli(
      "ask",
      "--model",
      model,
      "--image",
      IMAGE,
      "--dtype",
      "fp32",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { model: { name: string } };
    expect(result.model.name).toMatch(/^tiny-llava \(llava, fp32; /);
  });

  it("refuses a variant the export lacks, an unknown dtype, and --dtype on a bundle", async () => {
    const missing = await cli("ask", "--model", model, "--image", IMAGE, "--dtype", "q4");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "headflow: error: model file onnx/vision_encoder_q4.onnx is missing (looked for " +
        `${process.cwd()}/${model}/onnx/vision_encoder_q4.onnx)\n`,
    );
    const unknown = await cli("ask", "--model", model, "--image", IMAGE, "--dtype", "fp8");
    expect(unknown.stderr).toMatch(
      /^headflow: error: dtype "fp8" is not a transformers.js dtype \(auto, fp32, fp16, /,
    );
    const bundle = await cli("ask", "--image", IMAGE, "--dtype", "q8");
    expect(bundle.code).toBe(2);
    expect(bundle.stderr).toBe(
      "headflow: error: --dtype q8: only transformers.js exports come in dtype variants, and the bundled model is a HeadFlow bundle\n",
    );
  });
});
