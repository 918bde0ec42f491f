/**
 * DynamicQuantizeLinear per batch row (row-quantisation.ts) against onnxruntime's own
 * DynamicQuantizeLinear + MatMulInteger: bit for bit at batch 1, and at batch 3 each row
 * equal to that row run alone (which the original graph is not).
 */
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../math/random";
import { quantiseRowsOf } from "./row-quantisation";
import { AttributeType, DataType, decodeModel, encodeModel, type TensorProto } from "./onnx";

const UINT8 = 2;
const [K, N] = [48, 5];

/** x [batch, 4, K] -> DynamicQuantizeLinear -> MatMulInteger with W, wzp -> Cast -> Mul scales. */
function quantisedMatMul(random: () => number): Uint8Array {
  const bytes = (name: string, dims: number[], values: number[]): TensorProto => ({
    name,
    dims,
    data_type: UINT8,
    raw_data: Uint8Array.from(values),
  });
  const value = (name: string, type: number, dims: (number | string)[]) => ({
    name,
    type: {
      tensor_type: {
        elem_type: type,
        shape: {
          dim: dims.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d })),
        },
      },
    },
  });
  const node = (op_type: string, input: string[], output: string[], to?: number) => ({
    op_type,
    name: op_type,
    input,
    output,
    attribute: to === undefined ? [] : [{ name: "to", type: AttributeType.INT, i: to }],
  });
  return encodeModel({
    ir_version: 8,
    opset_import: [{ domain: "", version: 17 }],
    graph: {
      name: "q",
      node: [
        node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
        node("MatMulInteger", ["xq", "w", "xz", "wz"], ["acc"]),
        node("Cast", ["acc"], ["accf"], DataType.FLOAT),
        { ...node("Mul", ["xs", "ws"], ["scales"]), name: "Mul_scales" },
        node("Mul", ["accf", "scales"], ["y"]),
      ],
      initializer: [
        bytes(
          "w",
          [K, N],
          Array.from({ length: K * N }, () => Math.floor(random() * 256)),
        ),
        bytes("wz", [], [131]),
        { name: "ws", dims: [], data_type: DataType.FLOAT, float_data: [0.02] },
      ],
      input: [value("x", DataType.FLOAT, ["batch", 4, K])],
      output: [value("y", DataType.FLOAT, ["batch", 4, N])],
    },
  });
}

async function run(model: Uint8Array, x: Float32Array, batch: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: "all" });
  const out = await session.run({ x: new ort.Tensor("float32", x, [batch, 4, K]) });
  await session.release();
  return out["y"]!.data as Float32Array;
}

describe("quantiseRowsOf", () => {
  it("equals DynamicQuantizeLinear + MatMulInteger bit for bit at batch 1, and makes batch rows independent", async () => {
    const random = mulberry32(5);
    const original = quantisedMatMul(random);
    const rewritten = quantiseRowsOf(original);
    const row = 4 * K;
    // Rows unlike each other: mixed signs, all positive (zero point 0), all negative
    // (zero point 255), all zero (scale 1), and a wide one that dominates a shared range.
    const rows = [
      Float32Array.from({ length: row }, () => random() * 2 - 1),
      Float32Array.from({ length: row }, () => random() + 0.5),
      Float32Array.from({ length: row }, () => -random() * 3),
      new Float32Array(row),
      Float32Array.from({ length: row }, () => (random() * 2 - 1) * 40),
    ];
    const alone = await Promise.all(rows.map((x) => run(original, x, 1)));
    for (const [i, x] of rows.entries())
      expect(Array.from(await run(rewritten, x, 1))).toEqual(Array.from(alone[i]!));

    const batch = new Float32Array(rows.length * row);
    rows.forEach((x, i) => batch.set(x, i * row));
    const together = await run(rewritten, batch, rows.length);
    rows.forEach((_, i) =>
      expect(Array.from(together.subarray(i * 4 * N, (i + 1) * 4 * N))).toEqual(
        Array.from(alone[i]!),
      ),
    );
    // The exported graph quantises the batch as one tensor: its rows are not independent.
    const shared = await run(original, batch, rows.length);
    let moved = 0;
    for (let i = 0; i < 4 * N; i++) moved = Math.max(moved, Math.abs(shared[i]! - alone[0]![i]!));
    expect(moved).toBeGreaterThan(0.01);
  });

  it("leaves a model without DynamicQuantizeLinear as it is", () => {
    const bytes = new Uint8Array(readFileSync("src/engine/model/graph/fixtures/gqa-packed.onnx"));
    expect(quantiseRowsOf(bytes)).toBe(bytes);
  });

  it("refuses a zero point that feeds anything but MatMulInteger", () => {
    const model = decodeModel(quantisedMatMul(mulberry32(1)));
    model.graph!.node!.push({
      op_type: "Cast",
      name: "zero_point_as_float",
      input: ["xz"],
      output: ["xzf"],
      attribute: [{ name: "to", type: AttributeType.INT, i: DataType.FLOAT }],
    });
    expect(() => quantiseRowsOf(encodeModel(model))).toThrow(
      /DynamicQuantizeLinear node DynamicQuantizeLinear: its zero point feeds Cast zero_point_as_float; its batch rows would not be quantised independently/,
    );
  });
});
