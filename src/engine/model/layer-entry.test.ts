/**
 * The derived decoder graphs on the bundled model's own decoder: entering at layer l with
 * the residual stream the residuals graph reports for layer l gives the whole decoder's
 * final-position logits, for random inputs and a random past.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entryGraph, parseGraph, residualsGraph } from "./layer-entry";
import { mulberry32 } from "../math/random";
import { ort } from "../node";
import { residual } from "./graph-names";

const MODEL = process.env["HEADFLOW_TEST_MODEL"] ?? "public/models/emoji-vlm";
const manifest = JSON.parse(readFileSync(join(MODEL, "headflow.json"), "utf8")) as {
  layers: number;
  heads: number;
  headDim: number;
  hiddenSize: number;
  graphs: { decoder: string; vision: string };
};
const decoderBytes = new Uint8Array(readFileSync(join(MODEL, manifest.graphs.decoder)));

function randomFloats(n: number, random: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => random() * 2 - 1);
}

describe("layer entry graphs", () => {
  it("entering at layer l with the clean residual stream gives the whole decoder's logits", async () => {
    const { layers, heads, headDim, hiddenSize } = manifest;
    const parts = parseGraph(decoderBytes);
    expect(parts).not.toBeNull();
    const residuals = await ort.InferenceSession.create(residualsGraph(parts!, layers)!);
    const random = mulberry32(5);
    const [batch, past, length] = [2, 3, 4];
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      inputs_embeds: new ort.Tensor("float32", randomFloats(batch * length * hiddenSize, random), [
        batch,
        length,
        hiddenSize,
      ]),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(batch * (past + length)).fill(1n), [
        batch,
        past + length,
      ]),
      position_ids: new ort.Tensor(
        "int64",
        BigInt64Array.from({ length: batch * length }, (_, i) => BigInt(past + (i % length))),
        [batch, length],
      ),
    };
    for (let l = 0; l < layers; l++)
      for (const kv of ["key", "value"])
        feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor(
          "float32",
          randomFloats(batch * heads * past * headDim, random),
          [batch, heads, past, headDim],
        );
    const whole = await residuals.run(feeds);
    const logits = whole["logits"]!.data as Float32Array;
    const vocab = logits.length / (batch * length);
    for (let layer = 0; layer < layers; layer++) {
      const entry = await ort.InferenceSession.create(entryGraph(parts!, layer)!);
      expect(entry.outputNames).toEqual(["logits"]);
      const hidden = layer === 0 ? feeds["inputs_embeds"]! : whole[residual(layer)]!;
      const out = await entry.run({ ...feeds, inputs_embeds: hidden });
      // The entered graphs compute the final position only: [batch, 1, vocab].
      expect(out["logits"]!.dims).toEqual([batch, 1, vocab]);
      const entered = out["logits"]!.data as Float32Array;
      let max = 0;
      for (let b = 0; b < batch; b++)
        for (let v = 0; v < vocab; v++) {
          const want = logits[(b * length + length - 1) * vocab + v]!;
          max = Math.max(max, Math.abs(entered[b * vocab + v]! - want));
        }
      expect(max, `layer ${layer}`).toBeLessThanOrEqual(1e-5);
      await entry.release();
    }
    await residuals.release();
  });

  it("gives null for a graph without decoder layers, and refuses truncated bytes", () => {
    const vision = new Uint8Array(readFileSync(join(MODEL, manifest.graphs.vision)));
    expect(entryGraph(vision, 1)).toBeNull();
    expect(residualsGraph(vision, manifest.layers)).toBeNull();
    expect(entryGraph(decoderBytes, manifest.layers)).toBeNull();
    expect(() => parseGraph(decoderBytes.subarray(0, 1000))).toThrow(/not an ONNX model/);
  });
});
