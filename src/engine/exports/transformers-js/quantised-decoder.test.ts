/**
 * Quantised model-builder decoders (scripts/fixtures/model-builder/make_quantised_decoders.py:
 * MatMulNBits q4 with and without zero points, quantize_dynamic's q8 with
 * DynamicQuantizeLinear + MatMulInteger, int8 weights through DequantizeLinear) through
 * HeadFlow's load path: the GroupQueryAttention rewrite, the clean run against the
 * quantised graph as exported, and the engine's batched head ablation against the
 * exported graph run by onnxruntime one mask at a time at batch 1, the ablated key/value
 * heads' image rows of its past cache replaced by the baseline's (the engine's definition
 * of a head ablation: src/engine/ablation/runner.ts, docs/PAPER.md). Then the dtype
 * choice between these files per backend, and the fallback when one does not open.
 */
import { readFileSync } from "node:fs";
import * as ortWeb from "onnxruntime-web";
import { describe, expect, it } from "vitest";
import { HeadflowError } from "../../errors";
import { NODE_SESSION_OPTIONS, ort } from "../../node";
import { mulberry32 } from "../../math/random";
import { AblationRunner } from "../../ablation/runner";
import { sliceImageKv, type KvCache } from "../../model/kv";
import type { ModelDims, VlmSession } from "../../model/session";
import type { Prefilled } from "../../model/prefill";
import type { ReadFile } from "../../model/files";
import { AttributeType, DataType, decodeModel, encodeModel } from "../../model/graph/onnx";
import { ExportDecoder } from "./export-decoder";
import { analysableDecoder } from "./analysable-decoder";
import { dtypePlan, type DtypeBackend } from "./dtypes";
import { createGraphSession, openGraphFile } from "./graph-files";

const FIXTURES = "src/engine/model/graph/fixtures";
const read = (path: string) => new Uint8Array(readFileSync(`${FIXTURES}/${path}`));
const referenceOf = (path: string) =>
  JSON.parse(readFileSync(`${FIXTURES}/${path}`, "utf8")) as {
    length: number;
    embeds: number[];
    graphs: Record<string, number[]>;
  };
const reference = referenceOf("quantised/reference.json");
// transformers.js's own int8 and bnb4 files (make_quantised_exports.py --gqa), on the same
// embeddings (the script checks).
Object.assign(reference.graphs, referenceOf("quantised-gqa/reference.json").graphs);
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

/**
 * Each quantised file, the float32 graph it was quantised from, its quantised op and how
 * many: every MatMul with a weight (per layer Q/K/V packed or not, o_proj, gate, up,
 * down; and the LM head).
 */
const CASES: {
  dtype: string;
  file: string;
  float: string;
  op: string;
  weights: number;
  tolerance: number;
  /** What onnxruntime-web's wasm backend computes: onnxruntime-node's result, or numpy's. */
  wasm: "node" | "numpy";
}[] = [
  {
    dtype: "q4 (MatMulNBits, symmetric)",
    file: "quantised/onnx/decoder_model_merged_q4.onnx",
    float: "gqa-packed.onnx",
    op: "MatMulNBits",
    weights: 11,
    tolerance: 1e-4,
    wasm: "node",
  },
  {
    dtype: "q4 (MatMulNBits, zero points, accuracy_level 4)",
    file: "quantised-zero-points/onnx/decoder_model_merged_q4.onnx",
    float: "gqa-separate.onnx",
    op: "MatMulNBits",
    weights: 15,
    // accuracy_level 4 quantises the activations to int8 per block (any optimisation level).
    tolerance: 1,
    wasm: "numpy",
  },
  {
    dtype: "q8 (DynamicQuantizeLinear + MatMulInteger, uint8 weights)",
    file: "quantised/onnx/decoder_model_merged_quantized.onnx",
    float: "gqa-packed.onnx",
    op: "MatMulInteger",
    weights: 11,
    // The activations are quantised to uint8 per tensor (DynamicQuantizeLinear).
    tolerance: 1,
    wasm: "node",
  },
  {
    dtype:
      "int8 as transformers.js writes it (DynamicQuantizeLinear + MatMulInteger, int8 weights)",
    file: "quantised-gqa/onnx/decoder_model_merged_int8.onnx",
    float: "gqa-packed.onnx",
    op: "MatMulInteger",
    weights: 11,
    // The activations are quantised to uint8 per tensor (DynamicQuantizeLinear).
    tolerance: 1,
    wasm: "node",
  },
  {
    dtype: "bnb4 (MatMulBnb4, NF4, block 64)",
    file: "quantised-gqa/onnx/decoder_model_merged_bnb4.onnx",
    float: "gqa-packed.onnx",
    op: "MatMulBnb4",
    weights: 11,
    tolerance: 1e-4,
    wasm: "node",
  },
  {
    dtype: "int8 (DequantizeLinear + MatMul)",
    file: "quantised/onnx/decoder_model_merged_int8.onnx",
    float: "gqa-packed.onnx",
    op: "DequantizeLinear",
    weights: 11,
    tolerance: 1e-4,
    wasm: "numpy",
  },
];

/**
 * A VlmSession whose decode runs one decoder graph, opened as the engine opens it (or at
 * another optimisation level: from "extended" on, onnxruntime runs DequantizeLinear(int8)
 * + MatMul as MatMulNBits with 8-bit activations, see the numpy test).
 */
async function decoderSession(
  bytes: Uint8Array,
  level = NODE_SESSION_OPTIONS.graphOptimizationLevel,
): Promise<VlmSession> {
  const options = { ...NODE_SESSION_OPTIONS, graphOptimizationLevel: level };
  const session = await ort.InferenceSession.create(bytes, options);
  const runner = new ExportDecoder(ort, session, dims);
  const unused = () => Promise.reject(new Error("not used in this test"));
  return {
    dims,
    decode: (request) => runner.decode(request),
    encodeImage: unused,
    embed: unused,
    decodeAnalysis: unused,
    release: () => session.release(),
  };
}

function randomFloats(n: number, random: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => random() * 2 - 1);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
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

/** Inputs shared by every case: prefix + image embeddings (clean, baseline) and a suffix. */
function inputs() {
  const random = mulberry32(23);
  const hidden = dims.hiddenSize;
  const prefix = randomFloats(PREFIX * hidden, random);
  const withImage = (features: Float32Array) => {
    const out = new Float32Array((PREFIX + IMAGE) * hidden);
    out.set(prefix);
    out.set(features, PREFIX * hidden);
    return out;
  };
  return {
    clean: withImage(randomFloats(IMAGE * hidden, random)),
    baseline: withImage(randomFloats(IMAGE * hidden, random)),
    suffix: randomFloats(SUFFIX * hidden, random),
  };
}

const prefill = async (session: VlmSession, embeds: Float32Array) =>
  (
    await session.decode({
      embeds,
      batch: 1,
      length: PREFIX + IMAGE,
      wantPresent: true,
      logits: "all",
    })
  ).present!;

describe.each(CASES)("quantised decoder $dtype", ({ file, float, op, weights, tolerance }) => {
  it("is quantised: its weights feed the quantised op, and its logits differ from the float32 graph's by quantisation noise only", async () => {
    const graph = decodeModel(read(file)).graph!;
    const floatWeights = new Set(
      (graph.initializer ?? []).filter((t) => t.data_type === 1 && t.dims?.length === 2),
    );
    // No MatMul reads a float32 weight matrix directly (the cos/sin caches are not weights).
    const matmulFloats = (graph.node ?? []).filter(
      (n) =>
        n.op_type === "MatMul" &&
        [...floatWeights].some((t) => t.name === n.input?.[1] && t.name !== "cos_cache"),
    );
    expect(matmulFloats).toEqual([]);
    expect((graph.node ?? []).filter((n) => n.op_type === op)).toHaveLength(weights);

    // The numpy float64 forward pass on the dequantised weights ((q - zero point) * scale)
    // from make_quantised_decoders.py, over a 13-token sequence at batch 1.
    const embeds = Float32Array.from(reference.embeds);
    const request = { embeds, batch: 1, length: reference.length, logits: "all" } as const;
    // "basic": the graph's own ops, not onnxruntime's fused forms of them.
    const quantised = await decoderSession(read(file), "basic");
    const original = await decoderSession(read(float), "basic");
    const q = (await quantised.decode(request)).logits;
    const f = (await original.decode(request)).logits;
    const expected = reference.graphs[file]!;
    const error = maxAbsDiff(q, expected);
    expect(error).toBeLessThan(tolerance);
    // Really quantised: the float32 graph's logits are further away than the dequantised
    // weights' (and than 0.01).
    console.log(
      `${file}: vs numpy on the dequantised weights`,
      error,
      "vs float32",
      maxAbsDiff(q, f),
    );
    expect(maxAbsDiff(q, f)).toBeGreaterThan(Math.max(error, 1e-2));
    await Promise.all([quantised.release(), original.release()]);
  });

  it("opens rewritten, and its clean run equals the quantised graph's at batch 1", async () => {
    const bytes = read(file);
    const analysable = analysableDecoder(bytes, GEOMETRY);
    expect(analysable).toMatchObject({ rewritten: true, refusal: null, attentionRefusal: null });
    const rewritten = await decoderSession(analysable.bytes);
    const exported = await decoderSession(bytes);
    const { clean, suffix } = inputs();

    // The prompt, whole: logits at every position and the present cache.
    const prompt = { embeds: clean, batch: 1, length: PREFIX + IMAGE, wantPresent: true } as const;
    const a = await rewritten.decode({ ...prompt, logits: "all" });
    const b = await exported.decode({ ...prompt, logits: "all" });
    expect(maxAbsDiff(a.logits, b.logits)).toBeLessThan(1e-4);
    a.present!.keys.forEach((k, l) => {
      expect(maxAbsDiff(k, b.present!.keys[l]!)).toBeLessThan(1e-5);
      expect(maxAbsDiff(a.present!.values[l]!, b.present!.values[l]!)).toBeLessThan(1e-5);
    });
    // A suffix after the exported graph's own past cache.
    const after = {
      embeds: suffix,
      batch: 1,
      length: SUFFIX,
      past: b.present!,
      logits: "all",
    } as const;
    const c = await rewritten.decode(after);
    const d = await exported.decode(after);
    console.log(
      `${file}: rewritten vs exported at batch 1, prompt / suffix`,
      maxAbsDiff(a.logits, b.logits),
      maxAbsDiff(c.logits, d.logits),
    );
    expect(maxAbsDiff(c.logits, d.logits)).toBeLessThan(1e-4);
    await Promise.all([rewritten.release(), exported.release()]);
  });

  it("a batched head ablation on the rewritten graph equals per-mask batch-1 runs of the quantised graph", async () => {
    const bytes = read(file);
    const rewritten = await decoderSession(analysableDecoder(bytes, GEOMETRY).bytes);
    const exported = await decoderSession(bytes);
    const embeds = inputs();

    // The engine's path: prefix + image cache once, then batched suffix runs.
    const cache = await prefill(rewritten, embeds.clean);
    const baseline = sliceImageKv(
      await prefill(rewritten, embeds.baseline),
      PREFIX,
      PREFIX + IMAGE,
    );
    const prefilled: Prefilled = {
      prompt: { question: "", ids: [], tokens: [], imageStart: PREFIX, imageEnd: PREFIX + IMAGE },
      cache,
      suffixEmbeds: embeds.suffix,
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

    // The reference: the quantised graph as exported, one mask at a time at batch 1.
    const cleanRef = await prefill(exported, embeds.clean);
    const baselineRef = await prefill(exported, embeds.baseline);
    const vocab = dims.vocabSize;
    let maxError = 0;
    let cleanLogits: Float32Array | null = null;
    for (let m = 0; m < count; m++) {
      const mask = masks.subarray(m * 4, (m + 1) * 4);
      const { logits } = await exported.decode({
        embeds: embeds.suffix,
        batch: 1,
        length: SUFFIX,
        past: substituted(cleanRef, baselineRef, mask),
        logits: "last",
      });
      cleanLogits ??= logits;
      maxError = Math.max(maxError, maxAbsDiff(got.subarray(m * vocab, (m + 1) * vocab), logits));
      // Not vacuous: every ablation moves the logits.
      if (m > 0) expect(maxAbsDiff(logits, cleanLogits)).toBeGreaterThan(0.01);
    }
    console.log(`${file}: batched ablation vs the exported graph per mask, max`, maxError);
    expect(maxError).toBeLessThan(1e-4);
    await Promise.all([rewritten.release(), exported.release()]);
  });
});

describe("on onnxruntime-web's wasm backend (run in Node)", () => {
  it.each(CASES)(
    "the rewritten $dtype decoder opens, its batch rows are independent, and it computes what onnxruntime-node or numpy does",
    async ({ file, wasm }) => {
      ortWeb.env.wasm.numThreads = 1;
      const bytes = analysableDecoder(read(file), GEOMETRY).bytes;
      const T = reference.length;
      const row = Float32Array.from(reference.embeds);
      // A second, unlike row: 4 times wider (a range shared over the batch would be its).
      const batch = new Float32Array(2 * row.length);
      batch.set(row);
      batch.set(
        row.map((x) => 4 * x),
        row.length,
      );
      const feeds = (runtime: typeof ortWeb, embeds: Float32Array, B: number) => {
        const out: Record<string, ortWeb.Tensor> = {
          inputs_embeds: new runtime.Tensor("float32", embeds, [B, T, 64]),
          attention_mask: new runtime.Tensor("int64", new BigInt64Array(B * T).fill(1n), [B, T]),
        };
        for (let l = 0; l < 2; l++) {
          out[`attention_bias.${l}`] = new runtime.Tensor(
            "float32",
            new Float32Array(1),
            [1, 1, 1, 1],
          );
          for (const part of ["key", "value"])
            out[`past_key_values.${l}.${part}`] = new runtime.Tensor(
              "float32",
              new Float32Array(0),
              [B, 2, 0, 16],
            );
        }
        return out;
      };
      const logits = async (
        session: ortWeb.InferenceSession,
        runtime: typeof ortWeb,
        embeds: Float32Array,
        B: number,
      ) =>
        ((await session.run(feeds(runtime, embeds, B)))["logits"]!.data as Float32Array).slice(
          0,
          T * 48,
        );
      const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
      const node = await ort.InferenceSession.create(bytes, NODE_SESSION_OPTIONS);
      const alone = await logits(web, ortWeb, row, 1);
      const first = await logits(web, ortWeb, batch, 2);
      const onNode = await logits(
        node as unknown as ortWeb.InferenceSession,
        ort as unknown as typeof ortWeb,
        row,
        1,
      );
      console.log(
        `${file} on wasm: batch row vs alone`,
        maxAbsDiff(first, alone),
        "vs node",
        maxAbsDiff(alone, onNode),
        "vs numpy",
        maxAbsDiff(alone, reference.graphs[file]!),
      );
      expect(maxAbsDiff(first, alone)).toBeLessThan(1e-5);
      // Measured: on wasm, MatMulNBits with accuracy_level 4 and DequantizeLinear + MatMul
      // give numpy's float result on the dequantised weights (the activations are not
      // quantised there), while onnxruntime-node quantises those activations (0.59 and
      // 0.37 away on these files); the other two forms give onnxruntime-node's logits.
      const expected = wasm === "numpy" ? reference.graphs[file]! : onNode;
      expect(maxAbsDiff(alone, expected)).toBeLessThan(1e-4);
      await Promise.all([web.release(), node.release()]);
    },
  );
});

describe("a dynamically quantised decoder that cannot be made per row", () => {
  it("still gets its attention rewritten, and batched runs after a past are refused with the reason", () => {
    const model = decodeModel(read("quantised/onnx/decoder_model_merged_quantized.onnx"));
    const dynamic = model.graph!.node!.find((n) => n.op_type === "DynamicQuantizeLinear")!;
    // Its zero point read by another op than MatMulInteger: per-row zero points would
    // change that op's input shape.
    model.graph!.node!.push({
      op_type: "Cast",
      name: "zero_point_as_float",
      input: [dynamic.output![2]!],
      output: ["zero_point_as_float_output"],
      attribute: [{ name: "to", type: AttributeType.INT, i: DataType.FLOAT }],
    });
    const result = analysableDecoder(encodeModel(model), GEOMETRY);
    expect(result.rewritten).toBe(true);
    expect(result.attentionRefusal).toBeNull();
    expect(result.refusal).toMatch(
      /^DynamicQuantizeLinear node .*: its zero point feeds Cast zero_point_as_float; its batch rows would not be quantised independently$/,
    );
  });
});

describe("dtype choice between quantised decoder files", () => {
  /** An export folder holding the quantised decoders (and `extra` files; null: absent). */
  function exportReader(extra: Record<string, Uint8Array | null> = {}): ReadFile {
    const files: Record<string, Uint8Array | null> = {
      "onnx/decoder_model_merged.onnx": read("gqa-packed.onnx"),
      "onnx/decoder_model_merged_q4.onnx": read("quantised/onnx/decoder_model_merged_q4.onnx"),
      "onnx/decoder_model_merged_quantized.onnx": read(
        "quantised/onnx/decoder_model_merged_quantized.onnx",
      ),
      "onnx/decoder_model_merged_int8.onnx": read("quantised/onnx/decoder_model_merged_int8.onnx"),
      ...extra,
    };
    return (path) => {
      const bytes = files[path];
      if (!bytes)
        return Promise.reject(new HeadflowError("bad-model", `model file ${path} is missing`));
      return Promise.resolve(bytes);
    };
  }

  /** Opens the decoder as export-session.ts does: analysable form, then a session. */
  async function openDecoder(
    backend: DtypeBackend,
    readFile: ReadFile,
    config: unknown = {},
    requested?: string,
  ) {
    const plan = dtypePlan(config, backend, requested);
    const tp = {
      dtypes: {
        vision: [],
        embed: [],
        decoder: plan.candidates("decoder_model_merged"),
      },
      dtypeNotes: [] as string[],
      dtypeFailed: [] as string[],
      externalDataChunks: (graph: string, dtype: string) =>
        plan.externalDataChunks(graph === "decoder" ? "decoder_model_merged" : graph, dtype),
    };
    const opened = await openGraphFile(readFile, tp, "decoder", async (file) => {
      const analysable = analysableDecoder(file.bytes, GEOMETRY);
      const session = await createGraphSession(
        ort,
        { ...file, bytes: analysable.bytes },
        NODE_SESSION_OPTIONS,
      );
      return { session, analysable };
    });
    await opened.value.session.release();
    return { opened, notes: tp.dtypeNotes, failed: tp.dtypeFailed };
  }

  it("picks q8 on wasm, fp32 on Node's CPU and q4 on WebGPU, each rewritten", async () => {
    for (const [backend, path] of [
      ["wasm", "onnx/decoder_model_merged_quantized.onnx"],
      ["cpu", "onnx/decoder_model_merged.onnx"],
      // WebGPU's order is q4f16, fp16, q4: the float16 files are not in this folder.
      ["webgpu", "onnx/decoder_model_merged_q4.onnx"],
    ] as const) {
      const { opened, notes } = await openDecoder(backend, exportReader());
      expect(opened.file.path).toBe(path);
      expect(opened.value.analysable.rewritten).toBe(true);
      expect(notes).toEqual([]);
    }
    // transformers.js_config names int8 for the decoder: it comes first on every backend.
    const config = { "transformers.js_config": { dtype: { decoder_model_merged: "int8" } } };
    const { opened } = await openDecoder("wasm", exportReader(), config);
    expect(opened.file.path).toBe("onnx/decoder_model_merged_int8.onnx");
    // A dtype the user names is the only one tried.
    const named = await openDecoder("cpu", exportReader(), {}, "q4");
    expect(named.opened.file.path).toBe("onnx/decoder_model_merged_q4.onnx");
  });

  it("falls back to q4 on wasm when the q8 file does not open, and says why", async () => {
    const q8 = read("quantised/onnx/decoder_model_merged_quantized.onnx");
    // The file cut short, as an interrupted download leaves it.
    const cut = q8.slice(0, Math.floor(q8.length / 2));
    const { opened, notes, failed } = await openDecoder(
      "wasm",
      exportReader({ "onnx/decoder_model_merged_quantized.onnx": cut }),
    );
    expect(opened.file.path).toBe("onnx/decoder_model_merged_q4.onnx");
    expect(opened.value.analysable.rewritten).toBe(true);
    expect(failed).toEqual(["decoder q8"]);
    expect(notes[0]).toMatch(
      /^decoder: q8 \(onnx\/decoder_model_merged_quantized.onnx\) did not open \(.+\); q4 opened instead$/,
    );
  });
});
