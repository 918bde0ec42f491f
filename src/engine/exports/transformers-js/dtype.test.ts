/**
 * dtypes, float16 graphs and external data on tiny-llava's variants
 * (scripts/fixtures/make-dtype-fixtures.py): the dtype plan, the fallback when a dtype
 * does not open, ablation through a float16 cache against the PyTorch whole-sequence
 * reference of the float32 model, and a decoder split into external data chunks giving
 * the single-file graph's logits.
 */
import { readFileSync, readdirSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { HeadflowError } from "../../errors";
import type { ReadFile } from "../../model/files";
import { folderReader } from "../../node";
import type { ThirdPartyLoadOptions } from "./load";
import { parityOf } from "./fixture-inputs";
import { maxAbsDiff } from "./max-abs-diff";
import { openFixture } from "./open-fixture";
import { parityAblation } from "./parity-ablation";
import { dtypePlan, DTYPE_ORDER } from "./dtypes";
import { float16ToFloat32, float32ToFloat16 } from "./float16";
import { maxOf } from "../../math/extent";
import { AttributeType, DataType, encodeModel } from "../../model/graph/onnx";

const FOLDER = "e2e/fixtures/models/tiny-llava";
const VARIANTS = "src/engine/exports/transformers-js/fixtures/tiny-llava-dtypes/onnx";

const parity = parityOf("tiny-llava");

/** tiny-llava with extra files (the variants under onnx/) and changes; null: absent. */
function withFiles(files: Record<string, Uint8Array | null>): ReadFile {
  const read = folderReader(FOLDER);
  return async (path) => {
    if (!(path in files)) return read(path);
    const bytes = files[path];
    if (!bytes) throw new HeadflowError("bad-model", `model file ${path} is missing`);
    return bytes;
  };
}

const variant = (name: string) => new Uint8Array(readFileSync(`${VARIANTS}/${name}`));
const config = () =>
  JSON.parse(readFileSync(`${FOLDER}/config.json`, "utf8")) as Record<string, unknown>;
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

const load = (read: ReadFile, options: ThirdPartyLoadOptions = {}) =>
  openFixture(read, { id: "tiny-llava", ...options });

/** Clean and ablated logits of the parity masks, as thirdparty.test.ts runs them. */
async function ablateParity(read: ReadFile, options: ThirdPartyLoadOptions = {}) {
  const model = await load(read, options);
  const { session } = model.thirdParty;
  const { clean, baseline, runner } = await parityAblation(model.thirdParty, parity);
  const masks = Uint8Array.from([
    ...new Array<number>(runner.maskSize).fill(0),
    ...parity.masks.flat(),
  ]);
  const logits = await runner.run(masks, parity.masks.length + 1, { batchSize: 3 });
  const vocab = session.dims.vocabSize;
  const rows = Array.from({ length: parity.masks.length + 1 }, (_, i) =>
    logits.slice(i * vocab, (i + 1) * vocab),
  );
  return { model, clean, baseline, rows };
}

/**
 * The independent reference for one mask: the float32 graph as exported, run by
 * onnxruntime directly at batch 1 over a past cache built here (the clean cache with the
 * masked heads' image rows copied from the baseline), its logits rounded to float16 as
 * the fp16 graph's output is.
 */
async function referenceRow(
  decoder: ort.InferenceSession,
  run: Awaited<ReturnType<typeof ablateParity>>,
  mask: readonly number[],
): Promise<Float32Array> {
  const { clean, baseline } = run;
  const { heads, length, headDim } = clean.cache;
  const { imageStart, imageEnd } = clean.prompt;
  const feeds: Record<string, ort.Tensor> = {};
  clean.cache.keys.forEach((_, layer) => {
    for (const part of ["key", "value"] as const) {
      const past = Float32Array.from(
        (part === "key" ? clean.cache.keys : clean.cache.values)[layer]!,
      );
      const base = (part === "key" ? baseline.keys : baseline.values)[layer]!;
      for (let h = 0; h < heads; h++) {
        if (mask[layer * heads + h] !== 1) continue;
        for (let t = imageStart; t < imageEnd; t++) {
          const to = (h * length + t) * headDim;
          const from = (h * baseline.tokens + (t - imageStart)) * headDim;
          past.set(base.subarray(from, from + headDim), to);
        }
      }
      feeds[`past_key_values.${layer}.${part}`] = new ort.Tensor("float32", past, [
        1,
        heads,
        length,
        headDim,
      ]);
    }
  });
  const suffix = clean.suffixLength;
  feeds["inputs_embeds"] = new ort.Tensor("float32", clean.suffixEmbeds, [1, suffix, 32]);
  feeds["attention_mask"] = new ort.Tensor("int64", new BigInt64Array(length + suffix).fill(1n), [
    1,
    length + suffix,
  ]);
  feeds["position_ids"] = new ort.Tensor(
    "int64",
    BigInt64Array.from({ length: suffix }, (_, i) => BigInt(length + i)),
    [1, suffix],
  );
  const out = await decoder.run(feeds, ["logits"]);
  const logits = out["logits"]!.data as Float32Array;
  const vocab = logits.length / suffix;
  return float16ToFloat32(float32ToFloat16(logits.slice((suffix - 1) * vocab)));
}

describe("dtype plan (transformers.js's choice, then the backend's order)", () => {
  it("puts 8-bit first on wasm, float16 first on WebGPU and fp32 first on Node's CPU", () => {
    expect(dtypePlan({}, "wasm").candidates("decoder_model_merged").slice(0, 3)).toEqual([
      "q8",
      "q4",
      "int8",
    ]);
    expect(dtypePlan({}, "webgpu").candidates("decoder_model_merged")[0]).toBe("q4f16");
    expect(dtypePlan({}, "cpu").candidates("decoder_model_merged")[0]).toBe("fp32");
    // Every order holds each float32-IO dtype and the two float16 ones, once.
    for (const order of Object.values(DTYPE_ORDER)) expect(new Set(order).size).toBe(8);
  });

  it("reads transformers.js_config: dtype per file, device_config, external data, kv_cache_dtype", () => {
    const plan = dtypePlan(
      {
        "transformers.js_config": {
          dtype: { decoder_model_merged: "q4", embed_tokens: "fp16" },
          use_external_data_format: { "decoder_model_merged_q4.onnx": 3 },
          kv_cache_dtype: { q4f16: "float16", fp16: "float16" },
          device_config: { webgpu: { dtype: "q4f16", use_external_data_format: true } },
        },
      },
      "wasm",
    );
    expect(plan.candidates("decoder_model_merged").slice(0, 2)).toEqual(["q4", "q8"]);
    expect(plan.candidates("embed_tokens")[0]).toBe("fp16");
    // Not named in the map: the device's order (selectDtype's fallback).
    expect(plan.candidates("vision_encoder")[0]).toBe("q8");
    expect(plan.externalDataChunks("decoder_model_merged", "q4")).toBe(3);
    expect(plan.externalDataChunks("decoder_model_merged", "fp32")).toBe(0);
    expect(plan.kvCacheDtype("fp16")).toBe("float16");
    expect(plan.kvCacheDtype("q8")).toBeNull();
    const webgpu = dtypePlan(
      {
        "transformers.js_config": {
          device_config: { webgpu: { dtype: "q4f16", use_external_data_format: true } },
        },
      },
      "webgpu",
    );
    expect(webgpu.candidates("vision_encoder")[0]).toBe("q4f16");
    expect(webgpu.externalDataChunks("vision_encoder", "q4f16")).toBe(1);
    // A user's dtype is the only candidate.
    expect(dtypePlan({}, "wasm", "bnb4").candidates("vision_encoder")).toEqual(["bnb4"]);
  });

  it("refuses unknown dtypes and chunk counts clearly", () => {
    expect(() => dtypePlan({}, "cpu", "fp8")).toThrow(/dtype "fp8" is not a transformers.js dtype/);
    const bad = dtypePlan({ "transformers.js_config": { dtype: "int3" } }, "cpu");
    expect(() => bad.candidates("decoder_model_merged")).toThrow(
      /config.json's transformers.js_config.dtype for decoder_model_merged "int3"/,
    );
    const many = dtypePlan({ "transformers.js_config": { use_external_data_format: 101 } }, "cpu");
    expect(() => many.externalDataChunks("decoder_model_merged", "fp32")).toThrow(
      /101 external data chunks .* more than transformers.js's 100/,
    );
  });
});

describe("float16 <-> float32", () => {
  /** onnxruntime's own Cast on CPU: the independent computation. */
  async function ortCast(values: Float32Array): Promise<Uint16Array> {
    const model = castModel(DataType.FLOAT, DataType.FLOAT16);
    const session = await ort.InferenceSession.create(model);
    const out = await session.run({ x: new ort.Tensor("float32", values, [values.length]) });
    await session.release();
    return out["y"]!.data as Uint16Array;
  }

  it("rounds float32 to float16 exactly as onnxruntime's Cast (ties, subnormals, overflow)", async () => {
    const values: number[] = [0, -0, 1, -1, 65504, 65519.99, 65520, 1e6, -1e6, Infinity, -Infinity];
    for (let e = -30; e <= 16; e++) {
      for (const m of [1, 1.0004882812, 1.0009765625, 1.00146484375, 1.5, 1.99951171875]) {
        values.push(m * 2 ** e, -m * 2 ** e);
      }
    }
    let seed = 7;
    for (let i = 0; i < 20000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      values.push(((seed / 2 ** 31) * 2 - 1) * 2 ** ((seed % 40) - 25));
    }
    const input = Float32Array.from(values);
    expect(Array.from(float32ToFloat16(input))).toEqual(Array.from(await ortCast(input)));
  });

  it("widens every float16 bit pattern to the float onnxruntime's Cast gives", async () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const widened = float16ToFloat32(bits);
    const session = await ort.InferenceSession.create(castModel(DataType.FLOAT16, DataType.FLOAT));
    const out = await session.run({ x: new ort.Tensor("float16", bits, [bits.length]) });
    await session.release();
    expect(Array.from(widened)).toEqual(Array.from(out["y"]!.data as Float32Array));
    // Every non-NaN half survives the round trip bit for bit.
    const back = float32ToFloat16(widened);
    for (let i = 0; i < 65536; i++) {
      if (Number.isNaN(widened[i])) expect((i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0).toBe(true);
      else expect(back[i]).toBe(i);
    }
    // And its value is the one onnxruntime rounds back to the same half.
    const finite = widened.filter((v) => !Number.isNaN(v));
    expect(Array.from(await ortCast(finite))).toEqual(Array.from(float32ToFloat16(finite)));
    expect(widened[0x3c00]).toBe(1);
    expect(widened[0x0001]).toBe(2 ** -24);
    expect(widened[0x7bff]).toBe(65504);
  });
});

/** A one-node ONNX model: Cast `from` -> `to`. */
function castModel(from: number, to: number): Uint8Array {
  const value = (name: string, elemType: number) => ({
    name,
    type: { tensor_type: { elem_type: elemType, shape: { dim: [{ dim_param: "n" }] } } },
  });
  return encodeModel({
    ir_version: 8,
    opset_import: [{ domain: "", version: 17 }],
    graph: {
      name: "cast",
      node: [
        {
          input: ["x"],
          output: ["y"],
          op_type: "Cast",
          attribute: [{ name: "to", type: AttributeType.INT, i: to }],
        },
      ],
      input: [value("x", from)],
      output: [value("y", to)],
    },
  });
}

describe("float16 graphs (fp16 exports)", () => {
  const fp16Files = () => ({
    "onnx/vision_encoder_fp16.onnx": variant("vision_encoder_fp16.onnx"),
    "onnx/embed_tokens_fp16.onnx": variant("embed_tokens_fp16.onnx"),
    "onnx/decoder_model_merged_fp16.onnx": variant("decoder_model_merged_fp16.onnx"),
  });

  it("open with a float16 cache, and ablation through it is exact to float16", async () => {
    const run = await ablateParity(withFiles(fp16Files()), { dtype: "fp16" });
    const { model, clean, rows } = run;
    expect(model.thirdParty.manifest.dtype).toBe("fp16");
    expect(model.thirdParty.manifest.graphs.decoder).toBe("onnx/decoder_model_merged_fp16.onnx");
    // The cache the engine holds is float16 values, kept bit for bit.
    const key = clean.cache.keys[0]!;
    expect(Array.from(float16ToFloat32(float32ToFloat16(key)))).toEqual(Array.from(key));
    // Exact to float16: onnxruntime on the float32 graph at batch 1, over a cache built by
    // hand from the same float16 values, gives the same logits once rounded to float16
    // (at most one float16 step apart, where batch 3 and batch 1 sum in another order).
    const decoder = await ort.InferenceSession.create(`${FOLDER}/onnx/decoder_model_merged.onnx`);
    const masks = [new Array<number>(parity.masks[0]!.length).fill(0), ...parity.masks];
    for (const [i, mask] of masks.entries()) {
      const expected = await referenceRow(decoder, run, mask);
      const row = rows[i]!;
      for (let v = 0; v < row.length; v++) {
        const step = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(expected[v]!), 2 ** -14))) - 10);
        expect(Math.abs(row[v]! - expected[v]!)).toBeLessThanOrEqual(step);
      }
    }
    await decoder.release();
    // Against the float32 model's whole-sequence PyTorch reference: float16 rounding of
    // the inputs, the cache and the logits only (half precision: 2^-11 relative).
    const scale = maxOf(parity.cleanLogits.map(Math.abs));
    const tolerance = scale * 2 ** -8;
    expect(maxAbsDiff(rows[0]!, parity.cleanLogits)).toBeLessThanOrEqual(tolerance);
    parity.ablatedLogits.forEach((expected, i) => {
      expect(maxAbsDiff(rows[i + 1]!, expected)).toBeLessThanOrEqual(tolerance);
      expect(maxAbsDiff(rows[i + 1]!, parity.cleanLogits)).toBeGreaterThan(0.1);
    });
  });

  it("are tried after the float32 dtypes when a folder holds float16 graphs only", async () => {
    const model = await load(
      withFiles({
        ...fp16Files(),
        "onnx/vision_encoder.onnx": null,
        "onnx/embed_tokens.onnx": null,
        "onnx/decoder_model_merged.onnx": null,
      }),
    );
    expect(model.thirdParty.manifest.dtype).toBe("fp16");
  });
});

describe("dtype fallback", () => {
  it("opens the next dtype when one does not open, and says which failed and why", async () => {
    const model = await load(
      withFiles({
        "config.json": json({
          ...config(),
          "transformers.js_config": { dtype: { decoder_model_merged: "q8" } },
        }),
        // A decoder that is not a graph: onnxruntime refuses it.
        "onnx/decoder_model_merged_quantized.onnx": new TextEncoder().encode("not onnx"),
      }),
    );
    const { manifest } = model.thirdParty;
    expect(manifest.graphs.decoder).toBe("onnx/decoder_model_merged.onnx");
    expect(manifest.dtypeNotes).toHaveLength(1);
    expect(manifest.capabilities.notes).toContain(manifest.dtypeNotes[0]);
    expect(model.modelRef().name).toBe(
      "tiny-llava (llava, fp32 after decoder q8 did not open; heads are key/value groups: 4 query heads in 2 groups per layer)",
    );
    expect(manifest.dtypeNotes[0]).toMatch(
      /^decoder: q8 \(onnx\/decoder_model_merged_quantized.onnx\) did not open \(model file onnx\/decoder_model_merged_quantized.onnx is corrupt: .*\); fp32 opened instead$/,
    );
  });

  it("names every dtype tried when none opens", async () => {
    const broken = new TextEncoder().encode("not onnx");
    await expect(
      load(
        withFiles({
          "onnx/decoder_model_merged.onnx": broken,
          "onnx/decoder_model_merged_q4.onnx": broken,
        }),
      ),
    ).rejects.toThrow(
      /^no dtype of the decoder graph could be opened: fp32 \(onnx\/decoder_model_merged.onnx\): model file .* is corrupt: .*; q4 \(onnx\/decoder_model_merged_q4.onnx\): .*; not in the export: onnx\/decoder_model_merged_quantized.onnx, /,
    );
  });
});

describe("external data", () => {
  const externalFiles = (chunks: number | null) => {
    const files: Record<string, Uint8Array | null> = {
      "onnx/decoder_model_merged.onnx": variant("decoder_model_merged.onnx"),
      "onnx/decoder_model_merged.onnx_data": variant("decoder_model_merged.onnx_data"),
      "onnx/decoder_model_merged.onnx_data_1": variant("decoder_model_merged.onnx_data_1"),
    };
    if (chunks !== null) {
      files["config.json"] = json({
        ...config(),
        "transformers.js_config": {
          use_external_data_format: { "decoder_model_merged.onnx": chunks },
        },
      });
    }
    return files;
  };

  it("loads a decoder split into two chunks and gives the single-file graph's logits", async () => {
    const chunked = await ablateParity(withFiles(externalFiles(2)));
    const single = await ablateParity(folderReader(FOLDER));
    chunked.rows.forEach((row, i) => expect(Array.from(row)).toEqual(Array.from(single.rows[i]!)));
    expect(maxAbsDiff(chunked.rows[0]!, parity.cleanLogits)).toBeLessThanOrEqual(1e-4);
    // The fixture really keeps its weights outside the graph file.
    expect(readdirSync(VARIANTS)).toContain("decoder_model_merged.onnx_data_1");
    expect(variant("decoder_model_merged.onnx").length).toBeLessThan(
      readFileSync(`${FOLDER}/onnx/decoder_model_merged.onnx`).length,
    );
  });

  it("names a missing chunk, and the config key when none is named", async () => {
    await expect(load(withFiles({ ...externalFiles(3) }))).rejects.toThrow(
      /model file onnx\/decoder_model_merged.onnx_data_2 is absent: config.json's transformers.js_config.use_external_data_format gives onnx\/decoder_model_merged.onnx 3 external data file/,
    );
    await expect(load(withFiles(externalFiles(null)))).rejects.toThrow(
      /model file onnx\/decoder_model_merged.onnx is corrupt: its weights are in external data files that config.json does not name \(transformers.js reads them only when transformers.js_config.use_external_data_format gives decoder_model_merged.onnx a chunk count\)/,
    );
  });
});
