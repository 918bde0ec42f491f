/**
 * onnx-static.js is what make-onnx-static.ts generates from onnx.proto3 (so the two cannot
 * drift), and the codec round-trips a model: decode -> encode -> decode gives the same
 * message, and onnxruntime runs the re-encoded bytes with the same outputs.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ort } from "../../node";
import { onnxStaticModule } from "./onnx-static-source";
import { decodeModel, encodeModel } from "./onnx";

const here = (name: string) => new URL(name, import.meta.url);

describe("the ONNX schema and codec", () => {
  it("onnx-static.js is what make-onnx-static.ts generates from onnx.proto3", async () => {
    expect(readFileSync(here("./onnx-static.js"), "utf8")).toBe(await onnxStaticModule());
  }, 60_000);

  it("round-trips a model without loss", async () => {
    // A Buffer, like the encoder's output in Node, so byte fields compare alike.
    const bytes: Uint8Array = readFileSync(here("./fixtures/gqa-separate.onnx"));
    const model = decodeModel(bytes);
    const again = encodeModel(model);
    expect(JSON.stringify(decodeModel(again))).toBe(JSON.stringify(model));
    expect(encodeModel(decodeModel(again))).toEqual(again);
    const inputs = {
      inputs_embeds: new ort.Tensor("float32", new Float32Array(3 * 64).fill(0.5), [1, 3, 64]),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(3).fill(1n), [1, 3]),
      ...Object.fromEntries(
        [0, 1].flatMap((l) =>
          ["key", "value"].map((kv) => [
            `past_key_values.${l}.${kv}`,
            new ort.Tensor("float32", new Float32Array(0), [1, 2, 0, 16]),
          ]),
        ),
      ),
    };
    const [a, b] = await Promise.all(
      [bytes, again].map(async (m) => (await ort.InferenceSession.create(m)).run(inputs)),
    );
    expect(Array.from(b!["logits"]!.data as Float32Array)).toEqual(
      Array.from(a!["logits"]!.data as Float32Array),
    );
  });

  it("gives a clear error for bytes that are not a model", () => {
    expect(() => decodeModel(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/^not an ONNX model: /);
  });
});
