/**
 * Head ablation on a decoder in the model builder's style (GroupQueryAttention with the
 * rotary inside; src/engine/model/graph/fixtures): the engine's AblationRunner, batched
 * over the shared prefix + image cache, runs on the rewritten decoder. Its logits are
 * checked against the export's own fused graph, run by onnxruntime one mask at a time
 * (batch 1, the form the fused kernel accepts) with the image rows of the ablated
 * key/value heads replaced by hand.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ort } from "../../node";
import { mulberry32 } from "../../math/random";
import { AblationRunner } from "../../ablation/runner";
import { sliceImageKv, type KvCache } from "../../model/kv";
import type { ModelDims, VlmSession } from "../../model/session";
import type { Prefilled } from "../../model/prefill";
import { decodeModel, encodeModel } from "../../model/graph/onnx";
import { ExportDecoder } from "./export-decoder";
import { analysableDecoder } from "./analysable-decoder";
import { prefillCache, prefixThenImage } from "./synthetic-prefill";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../model/graph/fixtures/${name}.onnx`, import.meta.url)));
const GEOMETRY = { layers: 2, queryHeads: 4, kvHeads: 2, headDim: 16 };
const [PREFIX, IMAGE, SUFFIX] = [3, 6, 4];
const dims: ModelDims = {
  layers: 2,
  heads: 2,
  headDim: 16,
  hiddenSize: 64,
  vocabSize: 48,
  imageTokens: IMAGE,
  imageSize: 0,
};

/** A VlmSession whose decode runs one decoder graph (the rest is not needed here). */
async function decoderSession(bytes: Uint8Array): Promise<VlmSession> {
  const runner = new ExportDecoder(ort, await ort.InferenceSession.create(bytes), dims);
  const unused = () => Promise.reject(new Error("not used in this test"));
  return {
    dims,
    decode: (request) => runner.decode(request),
    encodeImage: unused,
    embed: unused,
    decodeAnalysis: unused,
    release: () => Promise.resolve(),
  };
}

function randomFloats(n: number, random: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => random() * 2 - 1);
}

/** The clean cache with the image rows of the (layer, head) pairs in `mask` from `baseline`. */
function substituted(clean: KvCache, baseline: KvCache, mask: Uint8Array): KvCache {
  const { heads, length, headDim } = clean;
  const swap = (layers: Float32Array[], from: Float32Array[]) =>
    layers.map((layer, l) => {
      const out = layer.slice();
      for (let h = 0; h < heads; h++) {
        if (!mask[l * heads + h]) continue;
        for (let t = PREFIX; t < PREFIX + IMAGE; t++) {
          const at = (h * length + t) * headDim;
          out.set(from[l]!.subarray(at, at + headDim), at);
        }
      }
      return out;
    });
  return {
    ...clean,
    keys: swap(clean.keys, baseline.keys),
    values: swap(clean.values, baseline.values),
  };
}

describe.each(["gqa-packed", "gqa-separate"])("head ablation on %s", (name) => {
  it("the batched AblationRunner on the rewritten decoder equals per-mask runs of the fused graph", async () => {
    const original = fixture(name);
    const analysable = analysableDecoder(original, GEOMETRY);
    expect(analysable).toMatchObject({ rewritten: true, refusal: null });
    const rewritten = await decoderSession(analysable.bytes);
    const fused = await decoderSession(original);

    const random = mulberry32(11);
    const hidden = dims.hiddenSize;
    const prefix = randomFloats(PREFIX * hidden, random);
    const image = (features: Float32Array) => prefixThenImage(prefix, features);
    const cleanEmbeds = image(randomFloats(IMAGE * hidden, random));
    const baselineEmbeds = image(randomFloats(IMAGE * hidden, random));
    const suffixEmbeds = randomFloats(SUFFIX * hidden, random);
    const prefillOf = (session: VlmSession, embeds: Float32Array) =>
      prefillCache(session, embeds, PREFIX + IMAGE);

    // The engine's path: prefix + image cache once, then batched suffix runs.
    const cache = await prefillOf(rewritten, cleanEmbeds);
    const baseline = sliceImageKv(
      await prefillOf(rewritten, baselineEmbeds),
      PREFIX,
      PREFIX + IMAGE,
    );
    const prefilled: Prefilled = {
      prompt: {
        question: "",
        ids: [],
        tokens: [],
        imageStart: PREFIX,
        imageEnd: PREFIX + IMAGE,
      },
      cache,
      suffixEmbeds,
      suffixLength: SUFFIX,
    };
    const runner = new AblationRunner(rewritten, prefilled, baseline);
    const masks = Uint8Array.from(
      [
        [0, 0, 0, 0],
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 1],
        [1, 1, 0, 0],
        [0, 1, 1, 1],
        [1, 1, 1, 1],
      ].flat(),
    );
    const count = masks.length / 4;
    const got = await runner.run(masks, count, { batchSize: 3 });

    // The reference: everything through the fused graph, one mask at a time.
    const cleanRef = await prefillOf(fused, cleanEmbeds);
    const baselineRef = await prefillOf(fused, baselineEmbeds);
    const vocab = dims.vocabSize;
    let maxError = 0;
    let cleanLogits: Float32Array | null = null;
    for (let m = 0; m < count; m++) {
      const mask = masks.subarray(m * 4, (m + 1) * 4);
      const { logits } = await fused.decode({
        embeds: suffixEmbeds,
        batch: 1,
        length: SUFFIX,
        past: substituted(cleanRef, baselineRef, mask),
        logits: "last",
      });
      cleanLogits ??= logits;
      const row = got.subarray(m * vocab, (m + 1) * vocab);
      for (let i = 0; i < vocab; i++) maxError = Math.max(maxError, Math.abs(row[i]! - logits[i]!));
      // Not vacuous: every ablation moves the logits.
      if (m > 0) {
        let moved = 0;
        for (let i = 0; i < vocab; i++)
          moved = Math.max(moved, Math.abs(logits[i]! - cleanLogits[i]!));
        expect(moved).toBeGreaterThan(0.01);
      }
    }
    expect(maxError).toBeLessThan(1e-4);
  });
});

describe("analysableDecoder", () => {
  it("keeps a GroupQueryAttention form it cannot rewrite, with the reason", () => {
    const model = decodeModel(fixture("gqa-packed"));
    for (const node of model.graph!.node!)
      if (node.op_type === "GroupQueryAttention")
        node.attribute!.find((a) => a.name === "rotary_interleaved")!.i = 1;
    const bytes = encodeModel(model);
    const result = analysableDecoder(bytes, GEOMETRY);
    expect(result.rewritten).toBe(false);
    expect(result.bytes).toBe(bytes);
    expect(result.refusal).toMatch(/rotary_interleaved=1 is not supported yet/);
  });

  it("refuses a decoder whose attention does not match config.json", () => {
    expect(() => analysableDecoder(fixture("gqa-packed"), { ...GEOMETRY, kvHeads: 4 })).toThrow(
      /does not match config\.json \(2 layers, 4 query heads, 4 key\/value heads of size 16\)/,
    );
  });

  it("gives a MatMul/Softmax decoder the attention interface at its Softmax nodes", () => {
    const bytes = new Uint8Array(
      readFileSync("e2e/fixtures/models/tiny-smolvlm/onnx/decoder_model_merged.onnx"),
    );
    const result = analysableDecoder(bytes, GEOMETRY);
    expect(result).toMatchObject({ rewritten: true, refusal: null, attentionRefusal: null });
    const inputs = decodeModel(result.bytes).graph!.input!.map((i) => i.name);
    expect(inputs).toContain("attention_bias.2");
  });
});
