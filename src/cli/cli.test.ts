import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAttributionResult } from "../engine";
import { runCliCaptured } from "./cli";

const dir = mkdtempSync(join(tmpdir(), "headflow-cli-"));
const image = join(dir, "red.png");

const cli = (...argv: string[]) => runCliCaptured(argv);

/** A bad-input run: non-zero exit, exactly one error line, nothing on stdout. */
async function expectOneLineError(argv: string[], pattern: RegExp) {
  const { code, stdout, stderr } = await cli(...argv);
  expect(code).toBe(2);
  expect(stdout).toBe("");
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(stderr).toMatch(/^headflow: error: /);
  expect(stderr).toMatch(pattern);
}

beforeAll(async () => {
  const png = (r: number, g: number, b: number) =>
    sharp({ create: { width: 64, height: 64, channels: 3, background: { r, g, b } } })
      .png()
      .toBuffer();
  writeFileSync(image, await png(220, 30, 30));
  const folder = join(dir, "many");
  await import("node:fs/promises").then((fs) => fs.mkdir(folder));
  writeFileSync(join(folder, "a.png"), await png(0, 0, 200));
  writeFileSync(join(folder, "b.png"), await png(0, 200, 0));
  writeFileSync(join(folder, "notes.txt"), "not an image");
});

describe("headflow CLI", () => {
  it("prints help and rejects unknown commands and options", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: headflow <command>/);
    const unknown = await cli("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'headflow: error: unknown command "frobnicate" (commands: ask, ablate, attribute, bench, evaluate, flow, patches, sets, merge, compare, status)\n',
    );
    await expectOneLineError(
      ["ask", "--image", image, "--colour", "red"],
      /Unknown option '--colour'/,
    );
  });

  it("ask: answer and top-k as JSON; --images writes one line per image file", async () => {
    const one = await cli("ask", "--image", image, "--top", "3");
    expect(one.code).toBe(0);
    const answer = JSON.parse(one.stdout);
    expect(answer.schema).toBe("headflow.answer/1");
    expect(answer.image).toEqual({ name: "red.png", width: 64, height: 64 });
    expect(answer.top).toHaveLength(3);
    const many = await cli("ask", "--images", join(dir, "many"));
    expect(many.code).toBe(0);
    const lines = many.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.image.name)).toEqual(["a.png", "b.png"]);
  });

  it("ablate: clean and ablated target for L.H heads", async () => {
    const { code, stdout } = await cli(
      "ablate",
      "--image",
      image,
      "--heads",
      "0.0, 7.7",
      "--baseline",
      "blank",
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.schema).toBe("headflow.ablation/1");
    expect(result.heads).toEqual(["0.0", "7.7"]);
    expect(result.baseline).toBe("blank");
    expect(typeof result.clean.target).toBe("number");
    await expectOneLineError(
      ["ablate", "--image", image, "--heads", "8.0", "--baseline", "blank"],
      /head 8\.0 does not exist: the model has layers 0\.\.7/,
    );
    await expectOneLineError(
      ["ablate", "--image", image, "--heads", "3-4"],
      /bad head "3-4": write heads as L\.H/,
    );
  });

  it("attribute --out writes a valid attribution atomically, and nothing on error", async () => {
    const out = join(dir, "attribution.json");
    const { code, stdout } = await cli(
      "attribute",
      "--image",
      image,
      "--samples",
      "48",
      "--batch",
      "16",
      "--baseline",
      "blank",
      "--out",
      out,
    );
    expect(code).toBe(0);
    expect(stdout).toBe("");
    const result = parseAttributionResult(JSON.parse(readFileSync(out, "utf8")));
    expect(result.scores).toHaveLength(8);
    expect(result.scores[0]).toHaveLength(8);
    expect(result.settings).toMatchObject({ samples: 48, batchSize: 16, seed: 0 });
    const failed = join(dir, "failed.json");
    await expectOneLineError(
      [
        "attribute",
        "--image",
        join(dir, "many", "notes.txt"),
        "--baseline",
        "blank",
        "--out",
        failed,
      ],
      /notes\.txt is not an image/,
    );
    expect(existsSync(failed)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    await expectOneLineError(
      ["attribute", "--image", image, "--alpha", "2"],
      /alpha must lie strictly between 0 and 1/,
    );
    await expectOneLineError(
      ["attribute", "--image", image, "--out", join(dir, "no", "such", "x.json")],
      /cannot write --out/,
    );
  });

  it("bad input gives one line and a non-zero exit", async () => {
    await expectOneLineError(
      ["ask", "--image", join(dir, "missing.png")],
      /cannot read image .*missing\.png: no such file/,
    );
    await expectOneLineError(["ask", "--image", image, "--question", ""], /the question is empty/);
    await expectOneLineError(
      ["ask", "--image", image, "--question", "x".repeat(600)],
      /the question is too long/,
    );
    await expectOneLineError(
      ["ask", "--image", image, "--question", "Is there a wombat in the image?"],
      /unknown words in the question: "wombat";/,
    );
    await expectOneLineError(
      ["ask", "--image", image, "--model", join(dir, "no-model")],
      /--model .*no-model: no such folder/,
    );
    await expectOneLineError(["ask"], /give exactly one of --image FILE or --images DIR/);
  });

  it("runs as `npx headflow` from the repository", async () => {
    const { stdout } = await promisify(execFile)("npx", ["--offline", "headflow", "--help"], {
      cwd: process.cwd(),
    });
    expect(stdout).toMatch(/^usage: headflow <command>/);
  });
});
