import { describe, expect, it } from "vitest";
import { ort } from "../../engine/node";
import { decoderFlops } from "./flops";
import { matmulModel } from "./onnx-matmul";

describe("benchmark helpers", () => {
  it("builds a MatMul model onnxruntime runs correctly", async () => {
    const session = await ort.InferenceSession.create(matmulModel(2, 3, 2));
    const out = await session.run({
      A: new ort.Tensor("float32", Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]),
      B: new ort.Tensor("float32", Float32Array.from([1, 0, 0, 1, 1, 1]), [3, 2]),
    });
    expect(Array.from(out["C"]!.data as Float32Array)).toEqual([4, 5, 10, 11]);
  });

  it("counts decoder FLOPs from the shapes", () => {
    const shape = { layers: 1, hiddenSize: 2, intermediateSize: 8, vocabSize: 3 };
    // One token after 3 cached: projections 2*2*6 + 2*2*2 = 32, mlp 2*2*2*8 = 64,
    // attention 2*2*2*4 = 32, logits 2*2*3 = 12.
    expect(decoderFlops(shape, 3, 1)).toBe(32 + 64 + 32 + 12);
    // Two tokens, final position only in the (one, last) layer: the first token costs its
    // key and value projections (2*2*4 = 16); the second is a full token with 5 keys.
    expect(decoderFlops(shape, 3, 2, 0, true)).toBe(16 + 32 + 64 + 2 * 2 * 2 * 5 + 12);
  });
});
