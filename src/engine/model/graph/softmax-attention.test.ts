/**
 * The attention interface on decoders with MatMul/Softmax attention (the tiny
 * transformers.js exports of scripts/fixtures/make-tiny-vlms.py): which Softmax is which
 * layer's, and the refusals. That the bias and the probabilities are those of the right
 * layer is checked against PyTorch in thirdparty.test.ts (bias ablation = the reference's
 * ablated logits).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ort } from "../../node";
import { mulberry32 } from "../../math/random";
import { ExportDecoder } from "../../exports/transformers-js/export-decoder";
import type { ModelDims } from "../session";
import { DataType, decodeModel, encodeModel, type ValueInfoProto } from "./onnx";
import { exposeSoftmaxAttention } from "./softmax-attention";
import { float16ToFloat32, float32ToFloat16 } from "../../exports/transformers-js/float16";

const decoder = (name: string) =>
  new Uint8Array(readFileSync(`e2e/fixtures/models/${name}/onnx/decoder_model_merged.onnx`));

/** tiny-llava's text model (e2e/fixtures/models/tiny-llava/config.json). */
const dims: ModelDims = {
  layers: 3,
  heads: 2,
  headDim: 8,
  hiddenSize: 32,
  vocabSize: 288,
  imageTokens: 0,
  imageSize: 0,
};

describe("exposeSoftmaxAttention", () => {
  it("leaves the clean run as the original graph's (prompt, then a batch-3 suffix over it)", async () => {
    const original = decoder("tiny-llava");
    const { bytes } = exposeSoftmaxAttention(original, { bias: true, attentions: true });
    const runners = await Promise.all(
      [original, bytes].map(
        async (graph) => new ExportDecoder(ort, await ort.InferenceSession.create(graph), dims, 4),
      ),
    );
    const random = mulberry32(5);
    const floats = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
    const prompt = floats(7 * dims.hiddenSize);
    const suffix = floats(3 * 4 * dims.hiddenSize);
    const [a, b] = await Promise.all(
      runners.map(async (runner) => {
        const first = await runner.decode({
          embeds: prompt,
          batch: 1,
          length: 7,
          wantPresent: true,
          logits: "all",
        });
        const tile = (x: Float32Array) => {
          const out = new Float32Array(3 * x.length);
          for (let i = 0; i < 3; i++) out.set(x, i * x.length);
          return out;
        };
        const past = first.present!;
        const second = await runner.decode({
          embeds: suffix,
          batch: 3,
          length: 4,
          past: { ...past, batch: 3, keys: past.keys.map(tile), values: past.values.map(tile) },
          logits: "all",
        });
        return [...first.logits, ...second.logits];
      }),
    );
    // Adding a zero bias changes no bit.
    expect(b).toEqual(a);
  });

  it("finds one Softmax per layer by the latest past cache it depends on", () => {
    const { bytes, softmax } = exposeSoftmaxAttention(decoder("tiny-llava"), {
      bias: true,
      attentions: true,
    });
    // The exporter numbers its Softmax nodes in layer order.
    expect(softmax).toEqual(["/text/Softmax", "/text/Softmax_1", "/text/Softmax_2"]);
    const graph = decodeModel(bytes).graph!;
    expect(graph.output!.map((o) => o.name)).toEqual(
      expect.arrayContaining(["attentions.0", "attentions.1", "attentions.2"]),
    );
    const layer1 = graph.node!.find((n) => n.name === "/text/Softmax_1")!;
    const add = graph.node!.find((n) => n.output?.[0] === layer1.input![0])!;
    expect(add.op_type).toBe("Add");
    expect(add.input).toContain("attention_bias.1");
  });

  it("refuses a layer with two Softmax nodes, naming it", () => {
    const model = decodeModel(decoder("tiny-llava"));
    const nodes = model.graph!.node!;
    const at = nodes.findIndex((n) => n.name === "/text/Softmax_1");
    const extra = { ...nodes[at]!, name: "router", output: ["router_out"] };
    nodes.splice(at + 1, 0, extra);
    expect(() => exposeSoftmaxAttention(encodeModel(model), { bias: true })).toThrow(
      /layer 1 has 2 Softmax nodes that depend on its past cache; exposing attention needs exactly one per layer/,
    );
  });

  it("refuses a Softmax that is not over the keys", () => {
    const model = decodeModel(decoder("tiny-llava"));
    const softmax = model.graph!.node!.find((n) => n.name === "/text/Softmax")!;
    softmax.attribute = [{ name: "axis", type: 2, i: 1 }];
    expect(() => exposeSoftmaxAttention(encodeModel(model), { bias: true })).toThrow(
      /layer 0 Softmax \/text\/Softmax is over axis 1, not the keys/,
    );
  });

  it("on a float16 cache (fp16 export, float32 inside): clean run bit for bit, bias cast like the scores", async () => {
    const original = new Uint8Array(
      readFileSync(
        "src/engine/exports/transformers-js/fixtures/tiny-llava-dtypes/onnx/decoder_model_merged_fp16.onnx",
      ),
    );
    const { bytes } = exposeSoftmaxAttention(original, { bias: true, attentions: true });
    const plain = await ort.InferenceSession.create(original);
    const exposed = await ort.InferenceSession.create(bytes);
    const length = 5;
    const random = mulberry32(9);
    const half = (n: number, dims: number[]) =>
      new ort.Tensor(
        "float16",
        float32ToFloat16(Float32Array.from({ length: n }, () => random() * 2 - 1)),
        dims,
      );
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      inputs_embeds: half(length * 32, [1, length, 32]),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(length).fill(1n), [1, length]),
      position_ids: new ort.Tensor(
        "int64",
        BigInt64Array.from({ length }, (_, i) => BigInt(i)),
        [1, length],
      ),
    };
    for (let l = 0; l < dims.layers; l++)
      for (const kv of ["key", "value"])
        feeds[`past_key_values.${l}.${kv}`] = half(0, [1, 2, 0, dims.headDim]);
    const zero = () => new ort.Tensor("float32", new Float32Array(1), [1, 1, 1, 1]);
    const biasFeeds = (bias: (l: number) => InstanceType<typeof ort.Tensor>) =>
      Object.fromEntries(
        Array.from({ length: dims.layers }, (_, l) => [`attention_bias.${l}`, bias(l)]),
      );
    const before = await plain.run(feeds);
    const clean = await exposed.run({ ...feeds, ...biasFeeds(zero) });
    expect(Array.from(clean["logits"]!.data as Uint16Array)).toEqual(
      Array.from(before["logits"]!.data as Uint16Array),
    );
    // Probabilities come out float32, [1, heads, length, length], causal rows summing to 1
    // (4 query heads: text_config.num_attention_heads of tiny-llava's config.json).
    const heads = 4;
    const probs = clean["attentions.1"]!;
    expect(probs.type).toBe("float32");
    expect(probs.dims).toEqual([1, heads, length, length]);
    const p = probs.data as Float32Array;
    const row = (h: number, i: number) =>
      p.subarray((h * length + i) * length, (h * length + i + 1) * length);
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < length; i++) {
        expect(row(h, i).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        for (let j = i + 1; j < length; j++) expect(row(h, i)[j]).toBe(0);
      }
    // Blocking key 0 in layer 1 renormalises every later row over the other keys.
    const block = new Float32Array(length * length);
    for (let i = 1; i < length; i++) block[i * length] = -Infinity;
    const knocked = await exposed.run({
      ...feeds,
      ...biasFeeds((l) =>
        l === 1 ? new ort.Tensor("float32", block, [1, 1, length, length]) : zero(),
      ),
    });
    const q = knocked["attentions.1"]!.data as Float32Array;
    for (let h = 0; h < heads; h++)
      for (let i = 1; i < length; i++) {
        const base = (h * length + i) * length;
        expect(q[base]).toBe(0);
        // Over the row's own sum of the kept keys: the softmax's rows sum to 1 only to float32.
        const kept = row(h, i)
          .subarray(1, i + 1)
          .reduce((a, b) => a + b, 0);
        for (let j = 1; j <= i; j++) expect(q[base + j]).toBeCloseTo(row(h, i)[j]! / kept, 6);
      }
  });

  it("on a graph computing in float16 throughout: the bias is added as float16 (no type clash)", async () => {
    // past_key_values.0.key stands for the scores: Softmax over it, all float16.
    const info = (name: string, type: number, dims: number[]): ValueInfoProto => ({
      name,
      type: {
        tensor_type: { elem_type: type, shape: { dim: dims.map((d) => ({ dim_value: d })) } },
      },
    });
    const model = encodeModel({
      ir_version: 8,
      opset_import: [{ domain: "", version: 17 }],
      graph: {
        name: "half",
        node: [
          { op_type: "Softmax", input: ["past_key_values.0.key"], output: ["probs"], name: "s" },
        ],
        input: [info("past_key_values.0.key", DataType.FLOAT16, [1, 1, 2, 3])],
        output: [info("probs", DataType.FLOAT16, [1, 1, 2, 3])],
      },
    });
    const { bytes } = exposeSoftmaxAttention(model, { bias: true, attentions: true });
    const session = await ort.InferenceSession.create(bytes);
    const scores = Float32Array.from([0.5, -1, 2, 1, 0.25, -0.5]);
    const bias = Float32Array.from([0, -Infinity, 0, 0, 0, 1e9]);
    const out = await session.run({
      "past_key_values.0.key": new ort.Tensor("float16", float32ToFloat16(scores), [1, 1, 2, 3]),
      "attention_bias.0": new ort.Tensor("float32", bias, [1, 1, 2, 3]),
    });
    const got = float16ToFloat32(out["probs"]!.data as Uint16Array);
    const attentions = out["attentions.0"]!;
    expect(attentions.type).toBe("float32");
    // Halves widen exactly: the float32 output is the float16 softmax.
    expect(Array.from(attentions.data as Float32Array)).toEqual(Array.from(got));
    // Row 0 in float64 from the halves, key 1 blocked (-inf stays -inf in float16).
    const halves = float16ToFloat32(float32ToFloat16(scores));
    const e0 = [Math.exp(halves[0]!), 0, Math.exp(halves[2]!)];
    const s0 = e0[0]! + e0[2]!;
    expect(got[0]).toBeCloseTo(e0[0]! / s0, 3);
    expect(got[1]).toBe(0);
    expect(got[2]).toBeCloseTo(e0[2]! / s0, 3);
  });
});
