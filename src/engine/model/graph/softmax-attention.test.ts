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
import { decodeModel, encodeModel } from "./onnx";
import { exposeSoftmaxAttention } from "./softmax-attention";

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
});
