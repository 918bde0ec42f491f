/**
 * A one-node ONNX model (C = A x B, float32, A: [m, k], B: [k, n]) serialised by hand, so
 * the benchmark can measure the matrix-multiply peak of the very runtime the engine uses
 * without an ONNX/protobuf dependency. Only the handful of protobuf fields needed are
 * written (field numbers from onnx.proto).
 */

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** A length-delimited field (wire type 2). */
function bytesField(field: number, payload: number[]): number[] {
  return [...varint((field << 3) | 2), ...varint(payload.length), ...payload];
}

/** A varint field (wire type 0). */
function intField(field: number, value: number): number[] {
  return [...varint(field << 3), ...varint(value)];
}

const text = (value: string) => Array.from(new TextEncoder().encode(value));

function tensorValueInfo(name: string, dims: number[]): number[] {
  const shape = dims.flatMap((d) => bytesField(1, intField(1, d))); // Dimension.dim_value
  const tensorType = [...intField(1, 1), ...bytesField(2, shape)]; // elem_type FLOAT, shape
  return [...bytesField(1, text(name)), ...bytesField(2, bytesField(1, tensorType))];
}

export function matmulModel(m: number, k: number, n: number): Uint8Array {
  const node = [
    ...bytesField(1, text("A")),
    ...bytesField(1, text("B")),
    ...bytesField(2, text("C")),
    ...bytesField(4, text("MatMul")),
  ];
  const graph = [
    ...bytesField(1, node),
    ...bytesField(2, text("matmul")),
    ...bytesField(11, tensorValueInfo("A", [m, k])),
    ...bytesField(11, tensorValueInfo("B", [k, n])),
    ...bytesField(12, tensorValueInfo("C", [m, n])),
  ];
  const model = [
    ...intField(1, 8), // ir_version
    ...bytesField(2, text("headflow-bench")),
    ...bytesField(7, graph),
    ...bytesField(8, [...bytesField(1, []), ...intField(2, 17)]), // opset "" v17
  ];
  return Uint8Array.from(model);
}
