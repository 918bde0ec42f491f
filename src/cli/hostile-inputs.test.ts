/**
 * CLI inputs a hostile or careless user may give: devices, FIFOs, folders, huge files,
 * cut images, broken JSON, and --out paths that must not be written over. Each must end
 * in one clear error line, at once, without reading the file.
 */
import { execFileSync } from "node:child_process";
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { runCliCaptured } from "./cli";
import { checkWritableTarget, writeFileAtomic } from "./output";
import { readSetList } from "./set-list";

const dir = mkdtempSync(join(tmpdir(), "headflow-hostile-"));
const image = join(dir, "red.png");
const fifo = join(dir, "pipe.png");
const hugeImage = join(dir, "huge.png");
const hugeJson = join(dir, "huge.json");

beforeAll(async () => {
  writeFileSync(
    image,
    await sharp({ create: { width: 64, height: 64, channels: 3, background: "#d22" } })
      .png()
      .toBuffer(),
  );
  execFileSync("mkfifo", [fifo]);
  // Sparse files: their size is what counts, and they take no disk space.
  for (const [path, size] of [
    [hugeImage, 1.5 * 2 ** 30],
    [hugeJson, 700 * 2 ** 20],
  ] as const) {
    writeFileSync(path, "");
    truncateSync(path, size);
  }
});

/** Runs the CLI; expects exit 2, one error line matching `pattern`, within `ms`. */
async function refused(argv: string[], pattern: RegExp, ms = 10_000): Promise<void> {
  const started = performance.now();
  const { code, stdout, stderr } = await runCliCaptured(argv);
  expect(stderr).toMatch(/^headflow: error: /);
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(stderr).toMatch(pattern);
  expect(code).toBe(2);
  expect(stdout).toBe("");
  expect(performance.now() - started).toBeLessThan(ms);
}

describe("CLI input files", () => {
  it("refuses a device, a FIFO, a folder and a 1.5 GB file as --image, unread", async () => {
    const before = process.memoryUsage().rss;
    await refused(["ask", "--image", "/dev/zero"], /image \/dev\/zero: it is a device/);
    await refused(["ask", "--image", fifo], /pipe\.png: it is a FIFO \(named pipe\)/);
    await refused(["ask", "--image", dir], /: it is a folder, not a regular file/);
    await refused(["ask", "--image", hugeImage], /huge\.png: it is 1536 MB, over the 200 MB limit/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
  });

  it("words a cut PNG without the decoder's own text", async () => {
    const cut = join(dir, "cut.png");
    writeFileSync(cut, readFileSync(image).subarray(0, 20));
    await refused(
      ["ask", "--image", cut],
      /^headflow: error: cut\.png is not a readable PNG image: its header is damaged or cut short\n$/,
    );
  });

  it("refuses special files in --images folders and as image: baselines", async () => {
    const folder = join(dir, "folder-with-pipe");
    mkdirSync(folder);
    execFileSync("mkfifo", [join(folder, "a.png")]);
    writeFileSync(join(folder, "b.png"), readFileSync(image));
    // --images skips an unreadable file with a line and goes on with the others.
    const run = await runCliCaptured(["ask", "--images", folder]);
    expect(run.stderr).toMatch(/^headflow: skipped .*a\.png: .*it is a FIFO \(named pipe\)/);
    expect(run.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(JSON.parse(run.stdout).image.name).toBe("b.png");
    await refused(
      ["attribute", "--image", image, "--baseline", "image:/dev/zero", "--samples", "10"],
      /image \/dev\/zero: it is a device/,
    );
  });

  it("refuses special, huge, empty and broken JSON files (--list, merge)", async () => {
    await refused(["sets", "--list", fifo], /JSON file .*pipe\.png: it is a FIFO/);
    await refused(["merge", "/dev/zero"], /JSON file \/dev\/zero: it is a device/);
    await refused(["merge", hugeJson], /huge\.json: it is 700 MB, over the 200 MB limit/);
    const empty = join(dir, "empty.json");
    writeFileSync(empty, "");
    await refused(["merge", empty], /empty\.json is not valid JSON: the file is empty/);
    const cut = join(dir, "cut.json");
    writeFileSync(cut, '{"schema": "headflow.sets/1", "sets": [');
    await refused(["merge", cut], /cut\.json is not valid JSON: /);
  });

  it("names both model files when --model holds neither", async () => {
    const empty = join(dir, "not-a-model");
    mkdirSync(empty);
    writeFileSync(join(empty, "tokenizer.json"), "{}");
    await refused(
      ["ask", "--image", image, "--model", empty],
      /holds no model: neither headflow\.json \(a HeadFlow bundle\) nor config\.json \(a transformers\.js export\) is there/,
    );
    await refused(["ask", "--image", image, "--model", image], /red\.png: not a folder/);
  });
});

describe("--out", () => {
  const attribute = (out: string) => [
    "attribute",
    "--image",
    image,
    "--samples",
    "10",
    "--out",
    out,
  ];

  it("refuses a folder, an empty path, a device, a FIFO and a symlink before the run", async () => {
    // Each is refused before the model loads: well under a second of work.
    await refused(attribute(dir), /cannot write --out ".*": it is a folder/, 5000);
    await refused(attribute(""), /cannot write --out "": the path is empty/, 5000);
    await refused(attribute("/dev/null"), /--out "\/dev\/null": it is a device/, 5000);
    await refused(attribute(fifo), /it is a FIFO \(named pipe\); --out takes a regular file/, 5000);
    const target = join(dir, "target.json");
    writeFileSync(target, "keep me");
    const link = join(dir, "link.json");
    symlinkSync(target, link);
    await refused(
      attribute(link),
      /it is a symbolic link \(give the link's target instead\)/,
      5000,
    );
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, "utf8")).toBe("keep me");
    expect(lstatSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  it("refuses at write time too, when the target changed during the run", async () => {
    const late = join(dir, "late.json");
    await checkWritableTarget(late);
    mkdirSync(late);
    await expect(writeFileAtomic(late, "{}")).rejects.toThrow(/it is a folder/);
  });

  it("keeps an existing file's mode, and gives a new file the umask's", async () => {
    const secret = join(dir, "secret.json");
    writeFileSync(secret, "old", { mode: 0o600 });
    await writeFileAtomic(secret, "new");
    expect(readFileSync(secret, "utf8")).toBe("new");
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    const fresh = join(dir, "fresh.json");
    await writeFileAtomic(fresh, "{}");
    expect(statSync(fresh).mode & 0o777).toBe(0o666 & ~process.umask());
  });
});

/**
 * A copy of the model folder `source` made of links to its files, with `change` applied to
 * the named files (each is removed first, then made again as a FIFO, a link, a big file).
 */
function modelCopy(source: string, change: Record<string, (path: string) => void>): string {
  const copy = mkdtempSync(join(dir, "model-"));
  const walk = (from: string, to: string) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        mkdirSync(join(to, entry.name));
        walk(join(from, entry.name), join(to, entry.name));
      } else symlinkSync(resolve(from, entry.name), join(to, entry.name));
    }
  };
  walk(source, copy);
  for (const [file, make] of Object.entries(change)) {
    const path = join(copy, file);
    execFileSync("rm", ["-f", path]);
    mkdirSync(dirname(path), { recursive: true });
    make(path);
  }
  return copy;
}

const asFifo = (path: string) => execFileSync("mkfifo", [path]);
const toDevZero = (path: string) => symlinkSync("/dev/zero", path);
const sparse = (bytes: number) => (path: string) => {
  writeFileSync(path, "");
  truncateSync(path, bytes);
};
const BUNDLE = "public/models/emoji-vlm";
const EXPORT = "e2e/fixtures/models/tiny-smolvlm";

describe("--model folders with hostile files", () => {
  const ask = (model: string) => ["ask", "--image", image, "--model", model];

  it("refuses a FIFO, a link to /dev/zero and an oversized file in a bundle, by name", async () => {
    await refused(
      ask(modelCopy(BUNDLE, { "headflow.json": asFifo })),
      /cannot read model file \(JSON file\) .*\/headflow\.json: it is a FIFO \(named pipe\), not a regular file/,
    );
    await refused(
      ask(modelCopy(BUNDLE, { "config.json": toDevZero })),
      /cannot read model file \(JSON file\) .*\/config\.json: it is a device, not a regular file/,
    );
    await refused(
      ask(modelCopy(BUNDLE, { "onnx/vision_encoder.onnx": toDevZero })),
      /cannot read model file \(ONNX graph\) .*\/onnx\/vision_encoder\.onnx: it is a device/,
    );
    await refused(
      ask(modelCopy(BUNDLE, { "onnx/decoder_model_merged.onnx": asFifo })),
      /onnx\/decoder_model_merged\.onnx: it is a FIFO/,
    );
    await refused(
      ask(modelCopy(BUNDLE, { "tokenizer.json": sparse(65 * 2 ** 20) })),
      /model file \(tokenizer file\) .*\/tokenizer\.json: it is 65 MB, over the 64 MB limit/,
    );
    await refused(
      ask(modelCopy(BUNDLE, { "onnx/embed_tokens.onnx": sparse(2 ** 31) })),
      /onnx\/embed_tokens\.onnx: it is 2147483648 bytes, over the 2147483647 bytes limit/,
    );
  });

  it("refuses a FIFO reference image when the mean baseline reads it", async () => {
    await refused(
      [
        "ablate",
        "--image",
        image,
        "--heads",
        "0.0",
        "--model",
        modelCopy(BUNDLE, { "reference/000.png": asFifo }),
      ],
      /cannot read model file \(image\) .*\/reference\/000\.png: it is a FIFO/,
    );
  });

  it("refuses a FIFO and a link to /dev/zero in a transformers.js export", async () => {
    await refused(
      ask(modelCopy(EXPORT, { "config.json": asFifo })),
      /cannot read model file \(JSON file\) .*\/config\.json: it is a FIFO/,
    );
    await refused(
      ask(modelCopy(EXPORT, { "onnx/decoder_model_merged.onnx": toDevZero })),
      /cannot read model file \(ONNX graph\) .*\/onnx\/decoder_model_merged\.onnx: it is a device/,
    );
    // Read by transformers.js (the processor): its own warning must not add a line.
    const warn = vi.spyOn(console, "warn");
    await refused(
      ask(modelCopy(EXPORT, { "tokenizer.json": asFifo })),
      /cannot read model file \(tokenizer file\) .*\/tokenizer\.json: it is a FIFO \(named pipe\)/,
    );
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});

describe("labels.json of --set folders", () => {
  /** A set folder with one image and `labels` made by `make` (none when null). */
  function setFolder(make: ((path: string) => void) | null): string {
    const folder = mkdtempSync(join(dir, "set-"));
    writeFileSync(join(folder, "a.png"), readFileSync(image));
    if (make) make(join(folder, "labels.json"));
    return folder;
  }
  const sets = (folder: string) => ["sets", "--set", folder, "--baseline", "blank"];
  const text = (content: string) => (path: string) => writeFileSync(path, content);

  it("reads a folder without labels.json as unlabelled, and one with labels", async () => {
    const none = await readSetList(undefined, [setFolder(null)]);
    expect(none.entries.map((e) => [e.category, e.style])).toEqual([[null, null]]);
    const labelled = await readSetList(undefined, [
      setFolder(text('[{"file": "a.png", "category": "cat", "style": "noto"}]')),
    ]);
    expect(labelled.entries.map((e) => [e.category, e.style])).toEqual([["cat", "noto"]]);
  });

  it("refuses a labels.json that is there but broken, naming it and the problem", async () => {
    await refused(sets(setFolder(text("{not json"))), /labels\.json is not valid JSON: /, 5000);
    await refused(
      sets(setFolder(text(""))),
      /labels\.json is not valid JSON: the file is empty/,
      5000,
    );
    await refused(
      sets(setFolder(text('{"file": "a.png"}'))),
      /labels\.json: expected a JSON list of \{file, set\?, category\?, style\?\}/,
      5000,
    );
    await refused(
      sets(setFolder(text('[{"file": "a.png", "category": 3}]'))),
      /labels\.json: item 0: "category" must be a non-empty string/,
      5000,
    );
    await refused(
      sets(setFolder(text('[{"file": "a.png", "style": ""}]'))),
      /labels\.json: item 0: "style" must be a non-empty string/,
      5000,
    );
    await refused(
      sets(setFolder(asFifo)),
      /cannot read JSON file .*\/labels\.json: it is a FIFO/,
      5000,
    );
    await refused(
      sets(setFolder(toDevZero)),
      /cannot read JSON file .*\/labels\.json: it is a device/,
      5000,
    );
    await refused(sets(setFolder((path) => mkdirSync(path))), /labels\.json: it is a folder/, 5000);
    await refused(
      sets(setFolder((path) => symlinkSync(join(dir, "gone.json"), path))),
      /cannot read labels .*\/labels\.json: it is a symbolic link to a missing file/,
      5000,
    );
  });
});
