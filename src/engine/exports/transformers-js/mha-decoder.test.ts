/**
 * Head ablation on decoders with onnxruntime's MultiHeadAttention / Attention ops
 * (src/engine/model/graph/fixtures, make_mha_decoder.py): the engine's AblationRunner,
 * batched over the shared prefix + image cache, runs on the rewritten decoder. Its logits
 * are checked against the export's own fused graph, run by onnxruntime one mask at a time
 * (batch 1) with the image rows of the ablated heads replaced by hand.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ort } from "../../node";
import { mulberry32 } from "../../math/random";
import { AblationRunner } from "../../ablation/runner";
import { sliceImageKv, type KvCache } from "../../model/kv";
import type { ModelDims, VlmSession } from "../../model/session";
import type { Prefilled } from "../../model/prefill";
import { ExportDecoder } from "./export-decoder";
import { analysableDecoder } from "./analysable-decoder";
import { prefillCache, prefixThenImage } from "./synthetic-prefill";
import { decodeModel } from "../../model/graph/onnx";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../model/graph/fixtures/${name}.onnx`, import.meta.url)));
const GEOMETRY = { layers: 2, queryHeads: 4, kvHeads: 4, headDim: 16 };
const [PREFIX, IMAGE, SUFFIX] = [3, 6, 4];
const dims: ModelDims = {
  layers: 2,
  heads: 4,
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

describe.each([
  "mha-rotary",
  "mha-causal",
  "attention-packed",
  // q8 (DynamicQuantizeLinear + MatMulInteger, uint8 weights) and q4 (MatMulNBits) of the
  // MultiHeadAttention decoders, as transformers.js's quantize.py writes them
  // (scripts/fixtures/model-builder/make_quantised_exports.py --mha).
  "quantised-mha/mha-rotary_quantized",
  "quantised-mha/mha-rotary_q4",
  "quantised-mha/mha-causal_quantized",
  "quantised-mha/mha-causal_q4",
])("head ablation on %s", (name) => {
  it("the batched AblationRunner on the rewritten decoder equals per-mask runs of the fused graph", async () => {
    const original = fixture(name);
    if (name.startsWith("quantised-mha/")) {
      // Every weight MatMul quantised: per layer q, k, v, o, gate, up, down; and the LM head.
      const op = name.endsWith("_q4") ? "MatMulNBits" : "MatMulInteger";
      const nodes = decodeModel(original).graph!.node ?? [];
      expect(nodes.filter((n) => n.op_type === op)).toHaveLength(13);
      expect(nodes.filter((n) => n.op_type === "MultiHeadAttention")).toHaveLength(2);
    }
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
        [0, 0, 0, 0, 0, 0, 0, 0],
        [1, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 1, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 1],
        [1, 1, 0, 0, 1, 0, 0, 0],
        [0, 1, 1, 1, 0, 1, 1, 0],
        [1, 1, 1, 1, 1, 1, 1, 1],
      ].flat(),
    );
    const perMask = dims.layers * dims.heads;
    const count = masks.length / perMask;
    const got = await runner.run(masks, count, { batchSize: 3 });

    // The reference: everything through the fused graph, one mask at a time.
    const cleanRef = await prefillOf(fused, cleanEmbeds);
    const baselineRef = await prefillOf(fused, baselineEmbeds);
    const vocab = dims.vocabSize;
    let maxError = 0;
    let cleanLogits: Float32Array | null = null;
    for (let m = 0; m < count; m++) {
      const mask = masks.subarray(m * perMask, (m + 1) * perMask);
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
      // Not vacuous: every ablation moves the logits, by 10x the tolerance or more.
      if (m > 0) {
        let moved = 0;
        for (let i = 0; i < vocab; i++)
          moved = Math.max(moved, Math.abs(logits[i]! - cleanLogits[i]!));
        expect(moved).toBeGreaterThan(1e-3);
      }
    }
    console.log(`${name}: batched ablation vs the fused graph per mask, max`, maxError);
    expect(maxError).toBeLessThan(name.startsWith("quantised-mha/") ? 1e-5 : 1e-4);
  });
});
