/**
 * float16 decoders with fused attention (scripts/fixtures/model-builder/make_fp16_decoder.py):
 * the model builder's fp16 form (float16 weights, activations, key/value cache and
 * GroupQueryAttention) and float16 conversions of the MultiHeadAttention / Attention
 * fixtures. The rewrite keeps their float16 inputs, cache and outputs, so the analysable
 * form opens with the float16 cache. The reference is the export's own fused float16
 * graph run by onnxruntime at batch 1:
 *
 * - the rewritten graph's clean run against it, within float16 tolerance (below);
 * - the engine's batched head ablation (AblationRunner, 8 masks in batches of 3, through
 *   the float32 boundary the engine opens float16 sessions with) against it run per mask
 *   with the image rows of the ablated key/value groups replaced by hand in the cache,
 *   the engine's definition of an ablation (../../ablation/runner.ts);
 * - the attention interface (float32 bias in, float32 probabilities out).
 *
 * Float16 tolerance: one float16 step ("ulp") at the logits' scale,
 * 2^(floor(log2(max |logit|)) - 10) (0.0039 for logits of magnitude 4-8). The rewrite
 * computes as the GroupQueryAttention kernel does (rotary in float32 rounded once to
 * float16, attention in float32, the output rounded once), and measured 0 on every
 * GroupQueryAttention comparison below; an earlier form that ran every op in float16 was
 * 10 steps from the kernel on the prompt and 3 on ablations.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ort } from "../../node";
import { mulberry32 } from "../../math/random";
import { maxOf } from "../../math/extent";
import { AblationRunner } from "../../ablation/runner";
import { sliceImageKv, type KvCache } from "../../model/kv";
import type { ModelDims, VlmSession } from "../../model/session";
import type { Prefilled } from "../../model/prefill";
import { attentionBias, attentions } from "../../model/graph-names";
import { DataType, decodeModel } from "../../model/graph/onnx";
import { ExportDecoder } from "./export-decoder";
import { analysableDecoder } from "./analysable-decoder";
import { float32Boundary } from "./float32-boundary";

const FIXTURES = "../../model/graph/fixtures/fp16/";
const CASES = [
  {
    name: "GroupQueryAttention (model builder fp16)",
    file: "onnx/decoder_model_merged_fp16.onnx",
    geometry: { layers: 2, queryHeads: 4, kvHeads: 2, headDim: 16 },
    steps: 1,
  },
  {
    // Symmetric 4-bit MatMulNBits with float16 activations and scales (the quantised ops
    // sit outside attention).
    name: "GroupQueryAttention + MatMulNBits (q4f16)",
    file: "onnx/decoder_model_merged_q4f16.onnx",
    geometry: { layers: 2, queryHeads: 4, kvHeads: 2, headDim: 16 },
    steps: 1,
  },
  ...["mha-rotary", "mha-causal", "attention-packed"].map((name) => ({
    name: `${name} (float16)`,
    file: `${name}.onnx`,
    geometry: { layers: 2, queryHeads: 4, kvHeads: 4, headDim: 16 },
    steps: 5,
  })),
];
const [PREFIX, IMAGE, SUFFIX] = [3, 6, 4];
const FUSED = new Set(["GroupQueryAttention", "MultiHeadAttention", "Attention"]);

/** Values in [-1, 1) already on the float16 grid (what a float16 graph is fed). */
function halfFloats(n: number, random: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round((random() * 2 - 1) * 1024) / 1024;
  return out;
}

/** One float16 step at the magnitude of the largest |value|. */
function halfStep(values: ArrayLike<number>): number {
  let max = 2 ** -14;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]!));
  return 2 ** (Math.floor(Math.log2(max)) - 10);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** The clean cache with the image rows of the (layer, group) pairs in `mask` from `baseline`. */
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

const prefillOf = async (session: VlmSession, embeds: Float32Array, length: number) =>
  session.decode({ embeds, batch: 1, length, wantPresent: true, logits: "all" });

describe.each(CASES)("a float16 decoder: $name", ({ file, geometry: GEOMETRY, steps }) => {
  const fp16Decoder = () => new Uint8Array(readFileSync(new URL(FIXTURES + file, import.meta.url)));
  const dims: ModelDims = {
    layers: GEOMETRY.layers,
    heads: GEOMETRY.kvHeads,
    headDim: GEOMETRY.headDim,
    hiddenSize: 64,
    vocabSize: 48,
    imageTokens: IMAGE,
    imageSize: 0,
  };
  const units = dims.layers * dims.heads;

  /** A VlmSession over one decoder graph, opened as the engine opens float16 graphs. */
  async function decoderSession(
    bytes: Uint8Array,
  ): Promise<VlmSession & { runner: ExportDecoder }> {
    const session = float32Boundary(ort, await ort.InferenceSession.create(bytes));
    const runner = new ExportDecoder(ort, session, dims, GEOMETRY.queryHeads);
    const unused = () => Promise.reject(new Error("not used in this test"));
    return {
      runner,
      dims,
      decode: (request) => runner.decode(request),
      encodeImage: unused,
      embed: unused,
      decodeAnalysis: (request) => runner.decode(request),
      release: () => Promise.resolve(),
    };
  }

  it("is rewritten in float16: float16 cache kept, float32 attention interface added", () => {
    const result = analysableDecoder(fp16Decoder(), GEOMETRY);
    expect(result).toMatchObject({ rewritten: true, refusal: null, attentionRefusal: null });
    const graph = decodeModel(result.bytes).graph!;
    const typeOf = (list: typeof graph.input, name: string) =>
      list!.find((v) => v.name === name)?.type?.tensor_type?.elem_type;
    expect(typeOf(graph.input, "past_key_values.0.key")).toBe(DataType.FLOAT16);
    expect(typeOf(graph.output, "present.1.value")).toBe(DataType.FLOAT16);
    expect(typeOf(graph.input, attentionBias(1))).toBe(DataType.FLOAT);
    expect(typeOf(graph.output, attentions(1))).toBe(DataType.FLOAT);
    const fused = (n: { op_type?: string | null; domain?: string | null }) =>
      n.domain === "com.microsoft" && FUSED.has(n.op_type ?? "");
    expect(decodeModel(fp16Decoder()).graph!.node!.some(fused)).toBe(true);
    if (file.includes("q4f16"))
      expect(graph.node!.filter((n) => n.op_type === "MatMulNBits")).toHaveLength(11);
    expect(graph.node!.some(fused)).toBe(false);
  });

  it("gives the fused float16 graph's logits and caches at batch 1 within float16 steps", async () => {
    const original = fp16Decoder();
    const rewritten = await decoderSession(analysableDecoder(original, GEOMETRY).bytes);
    const fused = await decoderSession(original);
    const random = mulberry32(5);
    const hidden = dims.hiddenSize;
    const past = PREFIX + IMAGE;
    const promptEmbeds = halfFloats(past * hidden, random);
    const suffixEmbeds = halfFloats(SUFFIX * hidden, random);

    // A prompt with no past: logits of every position, and the present caches.
    const [a, b] = [
      await prefillOf(rewritten, promptEmbeds, past),
      await prefillOf(fused, promptEmbeds, past),
    ];
    expect(maxDiff(a.logits, b.logits)).toBeLessThanOrEqual(steps * halfStep(b.logits));
    for (let l = 0; l < dims.layers; l++) {
      // The (rotated) keys and the values, rounded to float16 once in both; past layer 0
      // they inherit the layers below's differences.
      expect(maxDiff(a.present!.keys[l]!, b.present!.keys[l]!)).toBeLessThanOrEqual(
        steps * halfStep(b.present!.keys[l]!),
      );
      expect(maxDiff(a.present!.values[l]!, b.present!.values[l]!)).toBeLessThanOrEqual(
        steps * halfStep(b.present!.values[l]!),
      );
    }
    // A suffix of 4 and one token over the same (fused) float16 past.
    for (const length of [SUFFIX, 1]) {
      const embeds = suffixEmbeds.subarray(0, length * hidden);
      const request = { embeds, batch: 1, length, past: b.present!, logits: "all" as const };
      const [x, y] = [await rewritten.decode(request), await fused.decode(request)];
      expect(maxDiff(x.logits, y.logits)).toBeLessThanOrEqual(steps * halfStep(y.logits));
    }
  });

  it("gives float32 attention probabilities, and a float32 bias blocks a key", async () => {
    const session = await decoderSession(analysableDecoder(fp16Decoder(), GEOMETRY).bytes);
    expect(session.runner.hasAttention).toBe(true);
    const random = mulberry32(23);
    const hidden = dims.hiddenSize;
    const past = PREFIX + IMAGE;
    const { present } = await prefillOf(session, halfFloats(past * hidden, random), past);
    const embeds = halfFloats(SUFFIX * hidden, random);
    const total = past + SUFFIX;
    const request = { embeds, batch: 1, length: SUFFIX, past: present!, logits: "last" as const };
    const clean = await session.decodeAnalysis({ ...request, wantAttentions: true });
    // Per key/value group [1, groups, SUFFIX, total]: rows sum to 1, causal zeros.
    for (const layer of clean.attentions!) {
      expect(layer.length).toBe(dims.heads * SUFFIX * total);
      for (let r = 0; r < dims.heads * SUFFIX; r++) {
        const i = r % SUFFIX;
        let sum = 0;
        for (let j = 0; j < total; j++) {
          const p = layer[r * total + j]!;
          if (j > past + i) expect(p).toBe(0);
          sum += p;
        }
        expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      }
    }
    // Per query head, on the graph itself: block key 4 for every query of layer 1 (the
    // engine's -1e9): its probability goes to 0 and the rest of each row is renormalised,
    // after x (1 - p4) equal to the clean row (the scores are float32 inside).
    const graph = float32Boundary(
      ort,
      await ort.InferenceSession.create(analysableDecoder(fp16Decoder(), GEOMETRY).bytes),
    );
    const Q = GEOMETRY.queryHeads;
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      inputs_embeds: new ort.Tensor("float32", embeds, [1, SUFFIX, hidden]),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(total).fill(1n), [1, total]),
    };
    if (graph.inputNames.includes("position_ids"))
      feeds["position_ids"] = new ort.Tensor(
        "int64",
        BigInt64Array.from({ length: SUFFIX }, (_, i) => BigInt(past + i)),
        [1, SUFFIX],
      );
    for (let l = 0; l < dims.layers; l++) {
      const kv = [1, dims.heads, past, dims.headDim];
      feeds[`past_key_values.${l}.key`] = new ort.Tensor("float32", present!.keys[l]!, kv);
      feeds[`past_key_values.${l}.value`] = new ort.Tensor("float32", present!.values[l]!, kv);
      const bias = new Float32Array(Q * SUFFIX * total);
      if (l === 1) for (let r = 0; r < Q * SUFFIX; r++) bias[r * total + 4] = -1e9;
      feeds[attentionBias(l)] = new ort.Tensor("float32", new Float32Array(1), [1, 1, 1, 1]);
      feeds[`blocked.${l}`] = new ort.Tensor("float32", bias, [1, Q, SUFFIX, total]);
    }
    const fetch = [attentions(0), attentions(1), "logits"];
    const run = async (blocked: boolean) => {
      const f = { ...feeds };
      for (let l = 0; l < dims.layers; l++) {
        if (blocked) f[attentionBias(l)] = f[`blocked.${l}`]!;
        delete f[`blocked.${l}`];
      }
      const out = await graph.run(f, fetch);
      return fetch.map((name) => out[name]!.data as Float32Array);
    };
    const [before0, before, logitsBefore] = await run(false);
    const [after0, after, logitsAfter] = await run(true);
    let worst = 0;
    let largest = 0;
    for (let r = 0; r < Q * SUFFIX; r++) {
      expect(after![r * total + 4]).toBe(0);
      largest = Math.max(largest, before![r * total + 4]!);
      const kept = 1 - before![r * total + 4]!;
      for (let j = 0; j < total; j++)
        if (j !== 4)
          worst = Math.max(
            worst,
            Math.abs(after![r * total + j]! * kept - before![r * total + j]!),
          );
    }
    expect(worst).toBeLessThan(2e-6);
    expect(largest).toBeGreaterThan(0.01); // the blocked key carried attention
    // Layer 0 is untouched, and the logits move.
    expect(maxDiff(after0!, before0!)).toBe(0);
    expect(maxDiff(logitsAfter!, logitsBefore!)).toBeGreaterThan(0.01);
  });

  it("batched head ablation equals per-mask batch-1 runs of the fused float16 graph", async () => {
    const original = fp16Decoder();
    const rewritten = await decoderSession(analysableDecoder(original, GEOMETRY).bytes);
    const fused = await decoderSession(original);

    const random = mulberry32(11);
    const hidden = dims.hiddenSize;
    const prefix = halfFloats(PREFIX * hidden, random);
    const image = (features: Float32Array) => {
      const out = new Float32Array((PREFIX + IMAGE) * hidden);
      out.set(prefix);
      out.set(features, PREFIX * hidden);
      return out;
    };
    const cleanEmbeds = image(halfFloats(IMAGE * hidden, random));
    const baselineEmbeds = image(halfFloats(IMAGE * hidden, random));
    const suffixEmbeds = halfFloats(SUFFIX * hidden, random);
    const cacheOf = async (session: VlmSession, embeds: Float32Array) =>
      (await prefillOf(session, embeds, PREFIX + IMAGE)).present!;

    // The engine's path on the rewritten graph: prefix + image cache once (float16 values
    // widened to float32 by the boundary), then batched suffix runs over it.
    const cache = await cacheOf(rewritten, cleanEmbeds);
    const baseline = sliceImageKv(await cacheOf(rewritten, baselineEmbeds), PREFIX, PREFIX + IMAGE);
    const prefilled: Prefilled = {
      prompt: { question: "", ids: [], tokens: [], imageStart: PREFIX, imageEnd: PREFIX + IMAGE },
      cache,
      suffixEmbeds,
      suffixLength: SUFFIX,
    };
    const runner = new AblationRunner(rewritten, prefilled, baseline);
    // 8 masks over the (layer, key/value head) units: none, four single units (two per
    // layer), a pair, all but the first, all.
    const half = units / 2;
    const sets = [[], [0], [1], [half], [half + 1], [0, 1], null, "all"] as const;
    const masks = Uint8Array.from(
      sets.flatMap((set) =>
        Array.from({ length: units }, (_, u) =>
          set === "all" || (set === null ? u > 0 : (set as readonly number[]).includes(u)) ? 1 : 0,
        ),
      ),
    );
    const count = sets.length;
    const got = await runner.run(masks, count, { batchSize: 3 });

    // The reference, all through the fused float16 graph, one mask at a time: its own
    // caches, the image rows of the ablated groups replaced by the baseline's.
    const cleanRef = await cacheOf(fused, cleanEmbeds);
    const baselineRef = await cacheOf(fused, baselineEmbeds);
    const vocab = dims.vocabSize;
    let cleanLogits: Float32Array | null = null;
    const errors: number[] = [];
    for (let m = 0; m < count; m++) {
      const mask = masks.subarray(m * units, (m + 1) * units);
      const { logits } = await fused.decode({
        embeds: suffixEmbeds,
        batch: 1,
        length: SUFFIX,
        past: substituted(cleanRef, baselineRef, mask),
        logits: "last",
      });
      cleanLogits ??= logits;
      const row = got.subarray(m * vocab, (m + 1) * vocab);
      errors.push(maxDiff(row, logits) / halfStep(logits));
      // Not vacuous: every ablation moves the reference logits by many float16 steps.
      if (m > 0) expect(maxDiff(logits, cleanLogits) / halfStep(logits)).toBeGreaterThan(16);

      // Row independence within the rewritten graph itself: the batched row equals the
      // same mask run alone at batch 1 over the engine's own cache, bit for bit after the
      // float16 logits are widened (onnxruntime's float16 ops compute each row alike).
      const alone = await rewritten.decode({
        embeds: suffixEmbeds,
        batch: 1,
        length: SUFFIX,
        past: substituted(
          cache,
          { ...cache, keys: padded(baseline.keys), values: padded(baseline.values) },
          mask,
        ),
        logits: "last",
      });
      expect(maxDiff(row, alone.logits)).toBe(0);
    }
    // GroupQueryAttention: exact to float16, at most one float16 step of the logits' scale
    // (measured: 0 on every mask, the same halves as the fused kernel). MultiHeadAttention
    // / Attention: within 5 steps (measured at most 4: their kernels round elsewhere).
    expect(maxOf(errors)).toBeLessThanOrEqual(steps);

    /** Baseline image rows placed at the image positions of a cache-shaped array. */
    function padded(layers: Float32Array[]): Float32Array[] {
      const { heads, length, headDim } = cache;
      return layers.map((layer) => {
        const out = new Float32Array(heads * length * headDim);
        for (let h = 0; h < heads; h++)
          out.set(
            layer.subarray(h * IMAGE * headDim, (h + 1) * IMAGE * headDim),
            (h * length + PREFIX) * headDim,
          );
        return out;
      });
    }
  });
});
