/** The resumable per-image store: atomic files, keys that follow what shapes a result. */
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTION, type SetImageResult, type SetsContext } from "../../engine";
import { writeJsonAtomic } from "./atomic-json";
import { ImageStore, fileSha256, imageKey, type LookupOutcome } from "./image-store";

const shaping: Omit<SetsContext, "fingerprint" | "total" | "runtime"> = {
  model: { id: "m", name: "m", layers: 1, heads: 2 },
  question: "What is this?",
  baseline: "blank",
  target: "logit",
  settings: DEFAULT_ATTRIBUTION,
  permutations: 99,
  permutationSeed: 0,
  layers: 1,
  heads: 2,
};
const entry = { file: "a.png", set: "s", category: "cat", style: null };
const image: SetImageResult = { index: 0, ...entry, answer: "cat", heldOutR: 0.5, scores: [1, -2] };

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "headflow-store-"));
  const picture = join(dir, "a.png");
  writeFileSync(picture, "image bytes");
  const outcomes: LookupOutcome[] = [];
  const store = new ImageStore({
    dir,
    pathOf: () => picture,
    onLookup: (_index, outcome) => outcomes.push(outcome),
  });
  return { dir, picture, store, outcomes };
}

describe("writeJsonAtomic", () => {
  it("writes the whole file through a temporary file in the same folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "headflow-atomic-"));
    const path = join(dir, "x.json");
    await writeJsonAtomic(path, { a: 1 });
    await writeJsonAtomic(path, { a: 2 });
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ a: 2 });
    expect(readdirSync(dir)).toEqual(["x.json"]);
  });

  it("leaves the target and no temporary file behind when the rename fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "headflow-atomic-"));
    mkdirSync(join(dir, "taken"));
    writeFileSync(join(dir, "taken", "inside"), "");
    await expect(writeJsonAtomic(join(dir, "taken"), { a: 1 })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(["taken"]);
  });
});

describe("ImageStore", () => {
  it("hashes the file's bytes (checked against a one-shot SHA-256)", async () => {
    const { picture } = setup();
    expect(await fileSha256(picture)).toBe(
      createHash("sha256").update("image bytes").digest("hex"),
    );
    expect(await fileSha256(join(picture, "nope"))).toBeNull();
  });

  it("reuses a saved image only under the same key", async () => {
    const { dir, picture, store, outcomes } = setup();
    await store.open();
    expect(await store.find(0, entry, shaping)).toBeNull();
    await store.save(image);
    expect(await store.find(0, entry, shaping)).toEqual(image);
    // Other attribution settings, another model or other image bytes: recomputed.
    const fewer = { ...shaping, settings: { ...shaping.settings, samples: 11 } };
    expect(await store.find(0, entry, fewer)).toBeNull();
    const other = { ...shaping, model: { ...shaping.model, trainingStep: 5 } };
    expect(await store.find(0, entry, other)).toBeNull();
    writeFileSync(picture, "other bytes");
    expect(await store.find(0, entry, shaping)).toBeNull();
    expect(outcomes).toEqual(["absent", "reused", "stale", "stale", "stale"]);
    // Saving under the new key replaces the stale record.
    await store.save({ ...image, answer: "dog" });
    expect((await store.find(0, entry, shaping))?.answer).toBe("dog");
    expect(readdirSync(join(dir, "images"))).toEqual(["0.json"]);
  });

  it("ignores the permutation test's settings, which do not shape an image", () => {
    const a = imageKey(shaping, entry, 0, "h", null);
    expect(imageKey({ ...shaping, permutations: 5, permutationSeed: 3 }, entry, 0, "h", null)).toBe(
      a,
    );
    expect(imageKey(shaping, { ...entry, style: "x" }, 0, "h", null)).not.toBe(a);
    expect(imageKey(shaping, entry, 1, "h", null)).not.toBe(a);
    expect(imageKey(shaping, entry, 0, "h", "baseline")).not.toBe(a);
  });

  it("recomputes a partial or corrupt record", async () => {
    const { dir, store, outcomes } = setup();
    await store.open();
    await store.find(0, entry, shaping);
    await store.save(image);
    const path = ImageStore.recordPath(dir, 0);
    const whole = readFileSync(path, "utf8");
    writeFileSync(path, whole.slice(0, whole.length / 2));
    expect(await store.find(0, entry, shaping)).toBeNull();
    const record = JSON.parse(whole) as { image: SetImageResult };
    writeFileSync(path, JSON.stringify({ ...record, image: { ...record.image, scores: [1] } }));
    expect(await store.find(0, entry, shaping)).toBeNull();
    writeFileSync(path, JSON.stringify({ ...record, image: { ...record.image, file: "b.png" } }));
    expect(await store.find(0, entry, shaping)).toBeNull();
    expect(outcomes.slice(1)).toEqual(["corrupt", "corrupt", "corrupt"]);
  });

  it("records a failure until the image succeeds", async () => {
    const { dir, store } = setup();
    await store.open();
    await store.find(0, entry, shaping);
    await store.failed(0, entry, new Error("decoder said no"));
    const failure = JSON.parse(readFileSync(ImageStore.failurePath(dir, 0), "utf8")) as {
      error: string;
    };
    expect(failure.error).toBe("decoder said no");
    await store.save(image);
    expect(readdirSync(join(dir, "images"))).toEqual(["0.json"]);
  });
});
