/**
 * Knockout on the bundled model's analysis graph: a batch that must start at the prefix
 * (a query inside the image) and a batch that reuses the prefix + image cache give the
 * same logits for the same text knockout, and nothing blocked equals the plain decoder.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "../../model/bundle";
import { normalisationOf } from "../../ablation/baseline";
import { BLANK_GRAY, solidImage, toPixelValues } from "../../model/image";
import { KnockoutRunner, knockoutBias, type Knockout } from "./knockout";
import { loadBundleNode } from "../../node";
import { prefill } from "../../model/prefill";

describe("knockout runner on the bundled model", () => {
  let bundle: Bundle;
  let runner: KnockoutRunner;
  let clean: Float32Array;
  beforeAll(async () => {
    bundle = await loadBundleNode("public/models/emoji-vlm");
    const prompt = bundle.tokenizer.encodePrompt(bundle.tokenizer.defaultQuestion());
    const image = solidImage(64, BLANK_GRAY);
    image.data.fill(200, 0, 64 * 20 * 4); // a lighter band: not a uniform image
    const pixels = toPixelValues(image, normalisationOf(bundle));
    const prefilled = await prefill(bundle.session, prompt, pixels);
    runner = await KnockoutRunner.create(bundle.session, prefilled, pixels);
    clean = (
      await bundle.session.decode({
        embeds: prefilled.suffixEmbeds,
        batch: 1,
        length: prefilled.suffixLength,
        past: prefilled.cache,
        logits: "last",
      })
    ).logits;
  });

  it("nothing blocked gives the decoder's clean logits", async () => {
    const logits = await runner.run([{ sources: [], targets: [], layers: [0, 1] }]);
    for (let v = 0; v < clean.length; v++) expect(logits[v]).toBeCloseTo(clean[v]!, 4);
  });

  it("the cached path (text queries) equals a run from the prefix", async () => {
    const image = Array.from({ length: 64 }, (_, i) => 2 + i);
    const text: Knockout = { sources: image, targets: [81], layers: [3, 4] };
    const insideImage: Knockout = { sources: [0, 1], targets: [10, 11], layers: [2] };
    const vocab = bundle.manifest.vocabSize;
    const cached = await runner.run([text]);
    const fromPrefix = await runner.run([insideImage, text], { batchSize: 2 });
    let differs = 0;
    for (let v = 0; v < vocab; v++) {
      expect(fromPrefix[vocab + v]).toBeCloseTo(cached[v]!, 4);
      differs = Math.max(differs, Math.abs(cached[v]! - clean[v]!));
    }
    expect(differs).toBeGreaterThan(1e-4); // the knockout did change something
  });
});

describe("knockout bias in the analysis graph", () => {
  it("gives blocked edges exactly zero attention and leaves rows normalised", async () => {
    const bundle = await loadBundleNode("public/models/emoji-vlm");
    const prompt = bundle.tokenizer.encodePrompt(bundle.tokenizer.defaultQuestion());
    const pixels = toPixelValues(solidImage(64, BLANK_GRAY), normalisationOf(bundle));
    const prefilled = await prefill(bundle.session, prompt, pixels);
    const { layers, heads } = bundle.manifest;
    const total = prompt.ids.length;
    const start = prompt.imageEnd;
    const length = total - start;
    const image = Array.from({ length: 64 }, (_, i) => 2 + i);
    const knockout: Knockout = { sources: image, targets: [total - 1], layers: [2] };
    const { attentions } = await bundle.session.decodeAnalysis({
      embeds: prefilled.suffixEmbeds,
      batch: 1,
      length,
      past: prefilled.cache,
      bias: knockoutBias([knockout], layers, heads, start, total),
      logits: "last",
      wantAttentions: true,
    });
    for (let h = 0; h < heads; h++) {
      const row = (h * length + length - 1) * total;
      const final = attentions![2]!.subarray(row, row + total);
      for (const s of image) expect(final[s]).toBe(0);
      expect(final.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      // Another layer is untouched: some attention on the image.
      const other = attentions![3]!.subarray(row, row + total);
      expect(image.reduce((sum, s) => sum + other[s]!, 0)).toBeGreaterThan(0);
    }
  });
});
