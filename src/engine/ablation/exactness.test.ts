/**
 * Ablation exactness on the bundled model: the engine's cache-reuse + batched suffix
 * path against (1) the PyTorch whole-sequence substitution logits in parity.json and
 * (2) the in-engine whole-sequence computation over the analysis graph. The Node bundle
 * enters the decoder at each mask's first ablated layer (layer-entry.ts), so both also
 * check that; test (2) has a mask entering at every layer.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "../model/bundle";
import { baselineKv } from "./baseline";
import { headIndex } from "./heads";
import { BLANK_GRAY, solidImage, toPixelValues, type RgbaImage } from "../model/image";
import { maskOf, sampleMasks, maskRow } from "../attribution/masks";
import { loadBundleNode, nodeImageDecoder } from "../node";
import { prefill } from "../model/prefill";
import { AblationRunner } from "./runner";
import { wholeSequenceAblation } from "./whole-sequence";

/** The bundle under test; HEADFLOW_TEST_MODEL=DIR checks another export (e.g. a new checkpoint). */
const MODEL = process.env["HEADFLOW_TEST_MODEL"] ?? "public/models/emoji-vlm";

interface ParityCase {
  name: string;
  pixels_u8: number[];
  question: string;
  input_ids: number[];
  image_token_range: [number, number];
  logits: number[];
  ablations: { name: string; baseline: string; heads: [number, number][]; logits: number[] }[];
}

function rgbaFromRgb(rgb: number[], size: number): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++)
    data.set([rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!, 255], 4 * i);
  return { width: size, height: size, data };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe("ablation exactness on the bundled model", () => {
  let bundle: Bundle;
  let cases: ParityCase[];
  beforeAll(async () => {
    bundle = await loadBundleNode(MODEL);
    cases = (
      JSON.parse(readFileSync(join(MODEL, "parity.json"), "utf8")) as { cases: ParityCase[] }
    ).cases;
  });

  it("tokenises the parity prompts to the exporter's ids", () => {
    for (const c of cases) {
      const prompt = bundle.tokenizer.encodePrompt(c.question);
      expect(prompt.ids).toEqual(c.input_ids);
      expect([prompt.imageStart, prompt.imageEnd]).toEqual(c.image_token_range);
    }
  });

  it("matches PyTorch's whole-sequence substitution logits to 1e-4 (blank baseline)", async () => {
    const { manifest, session } = bundle;
    const size = manifest.image.size;
    const norm = { size, mean: manifest.image.mean, std: manifest.image.std };
    for (const c of cases) {
      const prompt = bundle.tokenizer.encodePrompt(c.question);
      const prefilled = await prefill(
        session,
        prompt,
        toPixelValues(rgbaFromRgb(c.pixels_u8, size), norm),
      );
      const runner = new AblationRunner(
        session,
        prefilled,
        await baselineKv(bundle, prompt, { kind: "blank" }, nodeImageDecoder),
      );
      const k = manifest.layers * manifest.heads;
      const rows = [
        new Uint8Array(k),
        ...c.ablations.map((a) =>
          maskOf(
            k,
            a.heads.map(([layer, head]) => headIndex({ layer, head }, manifest.heads)),
          ),
        ),
      ];
      const masks = new Uint8Array(rows.length * k);
      rows.forEach((row, i) => masks.set(row, i * k));
      // Batch size 3 < 4 rows: exercises both a full and a partial batch.
      const logits = await runner.run(masks, rows.length, { batchSize: 3 });
      const v = manifest.vocabSize;
      const expected = [c.logits, ...c.ablations.map((a) => a.logits)];
      expected.forEach((want, i) => {
        expect(
          maxAbsDiff(logits.subarray(i * v, (i + 1) * v), want),
          `${c.name} row ${i}`,
        ).toBeLessThanOrEqual(1e-4);
      });
    }
  });

  it("matches an in-engine whole-sequence pass (analysis graph) for random masks, blank and image baselines", async () => {
    const { manifest, session } = bundle;
    const size = manifest.image.size;
    const norm = { size, mean: manifest.image.mean, std: manifest.image.std };
    const c = cases[0]!;
    const other = rgbaFromRgb(cases[1]!.pixels_u8, size);
    const prompt = bundle.tokenizer.encodePrompt(c.question);
    const pixels = toPixelValues(rgbaFromRgb(c.pixels_u8, size), norm);
    const prefilled = await prefill(session, prompt, pixels);
    const k = manifest.layers * manifest.heads;
    const sampled = sampleMasks(5, k, 0.3, 17);
    const { layers, heads } = manifest;
    const rows = [
      new Uint8Array(k),
      new Uint8Array(k).fill(1),
      ...Array.from({ length: 5 }, (_, i) => maskRow(sampled, i)),
      // First ablated layer l = 1..L-1: entered there, with a later head ablated too.
      ...Array.from({ length: layers - 1 }, (_, i) =>
        maskOf(k, [(i + 1) * heads + (i % heads), k - 1 - i]),
      ),
    ];
    const masks = new Uint8Array(rows.length * k);
    rows.forEach((row, i) => masks.set(row, i * k));
    const v = manifest.vocabSize;
    for (const [spec, baseImage] of [
      [{ kind: "blank" } as const, solidImage(size, BLANK_GRAY)],
      [{ kind: "image", name: "other", image: other } as const, other],
    ] as const) {
      const runner = new AblationRunner(
        session,
        prefilled,
        await baselineKv(bundle, prompt, spec, nodeImageDecoder),
      );
      expect(await runner.entersLayers()).toBe(true);
      const fast = await runner.run(masks, rows.length, { batchSize: 4 });
      const whole = await wholeSequenceAblation(
        session,
        prompt,
        pixels,
        toPixelValues(baseImage, norm),
        rows,
      );
      expect(maxAbsDiff(fast, whole), spec.kind).toBeLessThanOrEqual(1e-4);
      // Batch 1: every mask enters at its own first ablated layer, so every layer is entered.
      const single = await runner.run(masks, rows.length, { batchSize: 1 });
      expect(maxAbsDiff(single, whole), `${spec.kind}, batch 1`).toBeLessThanOrEqual(1e-4);
      // Not vacuous: every ablated row moves the logits, and the two paths agree to a
      // small fraction of that move (the random-init model's effects are only ~1e-4).
      for (let r = 1; r < rows.length; r++) {
        const row = (x: Float32Array) => x.subarray(r * v, (r + 1) * v);
        const effect = maxAbsDiff(row(fast), fast.subarray(0, v));
        expect(effect, `${spec.kind} row ${r} effect`).toBeGreaterThan(0);
        expect(maxAbsDiff(row(fast), row(whole))).toBeLessThanOrEqual(0.01 * effect + 2e-6);
      }
    }
  });
});
