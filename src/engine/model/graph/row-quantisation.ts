/**
 * Dynamic activation quantisation per batch row. onnxruntime's quantize_dynamic (the
 * `_quantized` / `_int8` / `_uint8` files of transformers.js exports) puts a
 * DynamicQuantizeLinear before every MatMulInteger: one scale and zero point from the
 * min and max of the WHOLE input tensor, batch included. So a row's logits depend on the
 * other rows of its batch: the engine's batched ablation (batch 3 of 8 masks on the q8
 * model-builder fixture) differed from the same masks run one at a time by 0.32 in the
 * logits (quantised-decoder.test.ts, before this rewrite). Here every such node computes
 * its scale and zero point per row of axis 0 (the batch axis of a decoder's
 * `[batch, sequence, hidden]` activations), with DynamicQuantizeLinear's own arithmetic
 * (ONNX spec; onnxruntime's GetQuantizationParameter and MlasQuantizeLinear):
 *
 *   lo = min(0, min x), hi = max(0, max x), scale = (hi - lo) / 255 (1 when hi == lo),
 *   zero point = round(clip(-lo / scale, 0, 255)), q = clip(round(x / scale) + zp, 0, 255)
 *
 * (round: half to even). A batch-1 run computes exactly what the exported graph does. The
 * zero point becomes `[batch, 1, ...]`, which MatMulInteger does not take for its A input,
 * so each consumer MatMulInteger(q, W, zp, wzp) becomes the same product without the A zero
 * point, less zp * colsum(W - wzp): all in int32, exact.
 */
import { HeadflowError } from "../../errors";
import { Emitter, usedNames } from "./emitter";
import {
  DataType,
  decodeModel,
  encodeModel,
  opsetVersion,
  type GraphProto,
  type NodeProto,
} from "./onnx";

const UINT8 = 2;

function refuse(node: NodeProto, why: string): never {
  throw new HeadflowError(
    "bad-model",
    `DynamicQuantizeLinear node ${node.name ?? "(unnamed)"}: ${why}; its batch rows would not be quantised independently`,
  );
}

/** Per-row min or max over all but axis 0 of a `[batch, rest]` tensor, kept as `[batch, 1]`. */
function reduce(e: Emitter, op: "ReduceMin" | "ReduceMax", x: string, opset: number): string {
  // ReduceMin/ReduceMax take their axes as an attribute before opset 18, as an input since.
  return opset >= 18
    ? e.op(op, [x, e.int64([1])], { keepdims: 1 })
    : e.op(op, [x], { axes: [1], keepdims: 1 });
}

/**
 * Rewrites every DynamicQuantizeLinear node of `graph` (in place) to quantise per batch
 * row, and their MatMulInteger consumers to match. Returns how many were rewritten.
 * Refuses (HeadflowError) a DynamicQuantizeLinear whose zero point feeds anything but
 * MatMulInteger's A zero point, or whose quantised output feeds anything but
 * MatMulInteger's A.
 */
export function quantisePerRow(graph: GraphProto, used: Set<string>, opset: number): number {
  const nodes = graph.node ?? [];
  const dynamic = nodes.filter(
    (n) => n.op_type === "DynamicQuantizeLinear" && (n.domain ?? "") === "",
  );
  if (dynamic.length === 0) return 0;
  const replaced = new Map<NodeProto, NodeProto[]>();
  const added: GraphProto["initializer"] = [];
  // The zero points' int32 form per DynamicQuantizeLinear output name.
  const zeroPoints = new Map<string, string>();

  dynamic.forEach((node, i) => {
    const [x, y, yScale, yZero] = [node.input?.[0], ...(node.output ?? [])];
    if (!x || !y || !yScale || !yZero) refuse(node, "it lacks an input or an output");
    for (const other of nodes) {
      (other.input ?? []).forEach((name, slot) => {
        const matmul = other.op_type === "MatMulInteger" && (other.domain ?? "") === "";
        if (name === yZero && !(matmul && slot === 2))
          refuse(node, `its zero point feeds ${other.op_type} ${other.name ?? ""}`);
        if (name === y && !(matmul && slot === 0))
          refuse(node, `its output feeds ${other.op_type} ${other.name ?? ""}`);
      });
    }
    if ((graph.output ?? []).some((o) => o.name === y || o.name === yZero))
      refuse(node, "its output is a graph output");

    const e = new Emitter(used, `/headflow/row_quantisation.${i}`);
    const shape = e.op("Shape", [x]);
    const batch = e.op("Slice", [shape, e.int64([0]), e.int64([1])]);
    // [batch, 1, ..., 1]: the per-row scale broadcasts over the row's other axes.
    const rest = e.op("Slice", [shape, e.int64([1]), e.int64([Number.MAX_SAFE_INTEGER])]);
    const ones = e.op("Add", [e.op("Mul", [rest, e.int64([0], [])]), e.int64([1], [])]);
    const kept = e.op("Concat", [batch, ones], { axis: 0 });
    const flat = e.op("Reshape", [x, e.op("Concat", [batch, e.int64([-1])], { axis: 0 })]);

    const zero = e.float([0], []);
    const lo = e.op("Min", [reduce(e, "ReduceMin", flat, opset), zero]);
    const hi = e.op("Max", [reduce(e, "ReduceMax", flat, opset), zero]);
    const scale = e.op("Where", [
      e.op("Equal", [hi, lo]),
      e.float([1], []),
      e.op("Div", [e.op("Sub", [hi, lo]), e.float([255], [])]),
    ]);
    const [min, max] = [zero, e.float([255], [])];
    const zp = e.op("Round", [e.op("Clip", [e.op("Neg", [e.op("Div", [lo, scale])]), min, max])]);
    const q = e.op("Clip", [
      e.op("Add", [e.op("Round", [e.op("Div", [flat, scale])]), zp]),
      min,
      max,
    ]);
    e.node("Reshape", [e.op("Cast", [q], { to: UINT8 }), shape], { outputs: [y] });
    e.node("Reshape", [scale, kept], { outputs: [yScale] });
    zeroPoints.set(yZero, e.op("Cast", [e.op("Reshape", [zp, kept])], { to: DataType.INT32 }));
    replaced.set(node, e.nodes);
    added.push(...e.initializers);
  });

  // MatMulInteger(q, W, zp, wzp) = MatMulInteger(q, W, -, wzp) - zp * sum_k (W - wzp).
  nodes.forEach((node, i) => {
    const zpName = node.op_type === "MatMulInteger" ? node.input?.[2] : undefined;
    const zp = zpName ? zeroPoints.get(zpName) : undefined;
    if (!zp) return;
    const [a, b, , bZero] = node.input ?? [];
    const e = new Emitter(used, `/headflow/row_quantisation/matmul.${i}`);
    const weights = e.op("Cast", [b!], { to: DataType.INT32 });
    const centred = bZero
      ? e.op("Sub", [weights, e.op("Cast", [bZero], { to: DataType.INT32 })])
      : weights;
    const colsum = e.op("ReduceSum", [centred, e.int64([-2])], { keepdims: 0 });
    const product = e.op("MatMulInteger", [a!, b!, "", bZero ?? ""]);
    const correction = e.op("Mul", [zp, colsum]);
    e.node("Sub", [product, correction], { outputs: [node.output![0]!] });
    replaced.set(node, e.nodes);
    added.push(...e.initializers);
  });

  graph.node = nodes.flatMap((n) => replaced.get(n) ?? [n]);
  graph.initializer = [...(graph.initializer ?? []), ...added];
  return dynamic.length;
}

/**
 * The model with its DynamicQuantizeLinear nodes quantising per batch row (see the
 * header); the same bytes when it has none.
 */
export function quantiseRowsOf(model: Uint8Array): Uint8Array {
  const decoded = decodeModel(model);
  const graph = decoded.graph;
  if (!graph) return model;
  const opset = opsetVersion(decoded, "") ?? 0;
  if (opset < 13 && (graph.node ?? []).some((n) => n.op_type === "DynamicQuantizeLinear"))
    throw new HeadflowError(
      "bad-model",
      `the decoder imports ONNX opset ${opset}; quantising its activations per batch row needs 13 or later`,
    );
  return quantisePerRow(graph, usedNames(graph), opset) > 0 ? encodeModel(decoded) : model;
}
