import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TRAIN_STYLES } from "./categories.ts";
import { generateSplit, isUpToDate } from "./split.ts";
import { SpriteCache } from "./sprites.ts";

const out = mkdtempSync(join(tmpdir(), "headflow-data-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const sprites = new SpriteCache();
const read = (split: string, file: string) => readFileSync(join(out, split, file));

describe("split generation", () => {
  it("is byte-identical for the same seed and different for another seed", () => {
    const count = 30;
    generateSplit({ name: "a", seed: 11, count, styles: TRAIN_STYLES, out }, undefined, sprites);
    // A fresh sprite cache: output must not depend on what was cached before.
    generateSplit(
      { name: "b", seed: 11, count, styles: TRAIN_STYLES, out },
      undefined,
      new SpriteCache(),
    );
    generateSplit({ name: "c", seed: 12, count, styles: TRAIN_STYLES, out }, undefined, sprites);
    expect(read("a", "images.u8").equals(read("b", "images.u8"))).toBe(true);
    expect(read("a", "scenes.jsonl").equals(read("b", "scenes.jsonl"))).toBe(true);
    expect(read("a", "images.u8").equals(read("c", "images.u8"))).toBe(false);
    expect(read("a", "scenes.jsonl").equals(read("c", "scenes.jsonl"))).toBe(false);
  });

  it("writes the documented files, DONE last", () => {
    const count = 7;
    generateSplit(
      { name: "d", seed: 3, count, styles: ["noto", "openmoji"], out },
      undefined,
      sprites,
    );
    const dir = join(out, "d");
    expect(existsSync(join(dir, "DONE"))).toBe(true);
    expect(statSync(join(dir, "images.u8")).size).toBe(count * 64 * 64 * 3);
    const lines = read("d", "scenes.jsonl").toString().trim().split("\n");
    expect(lines).toHaveLength(count);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    for (const key of [
      "index",
      "seed",
      "category",
      "style",
      "box",
      "rotation",
      "background",
      "distractors",
      "patchCoverage",
      "qa",
    ]) {
      expect(first).toHaveProperty(key);
    }
    expect(lines.map((l) => (JSON.parse(l) as { style: string }).style)).toEqual(
      Array.from({ length: count }, (_, i) => (i % 2 ? "openmoji" : "noto")),
    );
    const info = JSON.parse(read("d", "info.json").toString()) as Record<string, unknown>;
    expect(info).toMatchObject({
      seed: 3,
      count,
      size: 64,
      grid: [8, 8],
      styles: ["noto", "openmoji"],
    });
  });

  it("recognises an up-to-date split and a changed one", async () => {
    const options = { name: "e", seed: 5, count: 9, styles: TRAIN_STYLES, out };
    expect(await isUpToDate(options, sprites)).toBe(false);
    generateSplit(options, undefined, sprites);
    expect(await isUpToDate(options, sprites)).toBe(true);
    expect(await isUpToDate({ ...options, seed: 6 }, sprites)).toBe(false);
    expect(await isUpToDate({ ...options, count: 10 }, sprites)).toBe(false);
    // One flipped byte in the last image (always spot-checked) is noticed.
    const last = 9 * 64 * 64 * 3 - 1;
    const byte = read("e", "images.u8")[last] as number;
    const fd = openSync(join(out, "e", "images.u8"), "r+");
    writeSync(fd, new Uint8Array([byte ^ 0xff]), 0, 1, last);
    closeSync(fd);
    expect(await isUpToDate(options, sprites)).toBe(false);
  });
});
