/**
 * Graphs derived from a decoder so that an ablation run can enter the decoder at its
 * first ablated layer. Before that layer nothing differs from the clean run: every text
 * token's hidden state there equals the clean one, so it is computed once per image and
 * fed in, and the layers below are skipped. With alpha = 0.05 and 8 heads per layer, a
 * layer is untouched with probability 0.95^8 = 0.66, so this skips about 1.9 of 8 layers
 * per mask on average.
 *
 * Two derived graphs, both cut out of the decoder itself, so the weights and the
 * operations are the very ones the full decoder runs:
 * - `entryGraph(model, l)`: the decoder from layer l on. `inputs_embeds` now carries the
 *   residual stream entering layer l (l >= 1), in its own element type (for third-party
 *   decoders: the two operands of the addition computing it, side by side; see
 *   `entryOperands`); only `logits` is an output, for the final position only where the
 *   stream says how to cut it, and nodes that do not feed it (the layers below l,
 *   `present.*`, the last position's unneeded work) are removed.
 * - `residualsGraph(model)`: the decoder plus outputs `residual.{l}`: what the entry graph
 *   at each layer l = 1..L-1 is fed.
 *
 * Where the stream is comes from a locator: the bundled decoder's node names
 * (named-residuals.ts, the default) or, for third-party decoders, the graph's structure
 * (graph/residual-stream.ts, after splitting fused skip norms: graph/split-skip-norm.ts).
 * A decoder where it is not found, or with control-flow nodes, gets `null` (and a reason
 * in `parts.stream`), and the engine runs the whole decoder as before.
 *
 * The model is read and written with the protobufjs codec of onnx's schema
 * (graph/onnx.ts): every field the schema knows is kept, and initialisers stay views of
 * the input bytes until the derived model is encoded. The parsed model is never mutated,
 * so several graphs can be derived from one parse.
 */
import { residual } from "./graph-names";
import { decodeModel, encodeModel, type ModelProto, type NodeProto } from "./graph/onnx";
import { AttributeType, DataType, opsetVersion } from "./graph/onnx";
import type { GraphProto, TensorProto, ValueInfoProto } from "./graph/onnx";
import { locateResidualStream, type ResidualStream } from "./graph/residual-stream";
import { splitSkipNorms, type SkipNormSplits } from "./graph/split-skip-norm";
import { namedResidualStream } from "./named-residuals";

/** A decoder model parsed once, for deriving several graphs from it. */
export interface DecoderParts {
  model: ModelProto;
  graph: GraphProto;
  nodes: NodeProto[];
  /** Where the residual stream is, or why it was not found. */
  stream: ResidualStream | string;
  /**
   * Fused skip norms split to locate the stream (split-skip-norm.ts): derived graphs keep
   * the fused node, except where the stream must be fed or read between its addition and
   * its norm, so that they compute what the decoder computes.
   */
  splits: SkipNormSplits;
  /** Whether runs enter with the operands of the residual addition (`entryOperands`). */
  paired: boolean;
}

/** How the residual stream is found: by the bundled decoder's names, or by structure. */
export type Locator = "named" | "structural";

const hasSubgraph = (node: NodeProto) =>
  (node.attribute ?? []).some((a) => a.g || (a.graphs?.length ?? 0) > 0);

/**
 * Parses a decoder model for `entryGraph` / `residualsGraph`; null if it has no graph or
 * has control flow, a HeadflowError ("not an ONNX model: ...") for bytes that are not a
 * model. `parts.stream` says where the residual stream is, or why it was not found.
 */
export function parseGraph(bytes: Uint8Array, locator: Locator = "named"): DecoderParts | null {
  const model = decodeModel(bytes);
  const graph = model.graph;
  if (!graph) return null;
  if ((graph.node ?? []).some(hasSubgraph)) return null;
  let stream: ResidualStream | string;
  let splits: SkipNormSplits = new Map();
  if (locator === "named") stream = namedResidualStream(graph);
  else {
    const split = splitSkipNorms(graph);
    if (typeof split === "string") stream = split;
    else {
      splits = split.splits;
      stream = locateResidualStream(split.graph);
    }
  }
  return { model, graph, nodes: graph.node ?? [], stream, splits, paired: locator !== "named" };
}

/**
 * The residual addition computing `tensor` when it has two computed operands (a plain
 * Add, or a fused skip norm: split-skip-norm.ts). A run entered there is fed both
 * operands side by side (`[batch, length, 2 x hidden]`) and redoes the addition itself,
 * so the entered layer's norm is the decoder's own kernel on the same values: the fused
 * skip norm, or onnxruntime's own fusion of Add + LayerNormalization, normalises the sum
 * before rounding it. Fed the sum, that norm would read it rounded (float16) or through
 * another kernel: measured 4.5e-4 on logits up to 35 after 26 float32 layers.
 */
function entryOperands(
  parts: DecoderParts,
  tensor: string,
): { node: NodeProto; operands: [string, string] } | null {
  if (!parts.paired) return null;
  const fused = parts.splits.get(tensor)?.fused;
  const node = fused ?? parts.nodes.find((n) => outputs(n)[0] === tensor);
  if (!node || (!fused && (node.op_type !== "Add" || (node.domain ?? "") !== ""))) return null;
  const [a, b] = inputs(node);
  const weights = new Set((parts.graph.initializer ?? []).map((t) => t.name));
  if (!a || !b || weights.has(a) || weights.has(b)) return null;
  return { node, operands: [a, b] };
}

/** `info` (a `[batch, length, hidden]` tensor) with its last axis of any size. */
function anyWidth(info: ValueInfoProto): ValueInfoProto {
  const tensor = info.type?.tensor_type;
  const dims = tensor?.shape?.dim;
  if (!tensor || !dims || dims.length === 0) return info;
  const dim = [...dims.slice(0, -1), { dim_param: "headflow_entry_width" }];
  return { ...info, type: { ...info.type, tensor_type: { ...tensor, shape: { dim } } } };
}

/** The decoder's nodes with the fused skip norms computing `tensors` split. */
function nodesSplitting(parts: DecoderParts, tensors: readonly string[]): NodeProto[] {
  const split = new Map<NodeProto, NodeProto[]>();
  for (const tensor of tensors) {
    const found = parts.splits.get(tensor);
    if (found) split.set(found.fused, found.split);
  }
  if (split.size === 0) return parts.nodes;
  return parts.nodes.flatMap((n) => split.get(n) ?? [n]);
}

/** The model with `graph` in place of its graph; every other field kept. */
function withGraph(parts: DecoderParts, graph: GraphProto): Uint8Array {
  return encodeModel({ ...parts.model, graph });
}

/** An int64 initialiser; bigint values, so that INT64_MAX is exact. */
function int64Initializer(name: string, values: bigint[]): TensorProto {
  const data = BigInt64Array.from(values);
  return {
    name,
    dims: [values.length],
    data_type: DataType.INT64,
    raw_data: new Uint8Array(data.buffer),
  };
}

const SLICE = { starts: "headflow_last_starts", ends: "headflow_last_ends" };
const axisName = (axis: number) => `headflow_last_axis_${axis}`;

/** `info` with element type `type` (shape kept). */
function retyped(info: ValueInfoProto, name: string, type: number): ValueInfoProto {
  const tensor = info.type?.tensor_type ?? {};
  return { ...info, name, type: { ...info.type, tensor_type: { ...tensor, elem_type: type } } };
}

const inputs = (node: NodeProto) => node.input ?? [];
const outputs = (node: NodeProto) => node.output ?? [];

/**
 * The decoder entered at layer `layer`: for layer >= 1 `inputs_embeds` is the residual
 * stream entering that layer. The only output is `logits`, for the final position only
 * (`[batch, 1, vocab]`) where the stream has cuts. Null if the graph is not recognised.
 */
export function entryGraph(model: Uint8Array | DecoderParts, layer: number): Uint8Array | null {
  const parts = model instanceof Uint8Array ? parseGraph(model) : model;
  const graph = parts && entryGraphProto(parts, layer);
  return graph ? withGraph(parts, graph) : null;
}

/**
 * Bytes of the weights the entry graph at `layer` holds (its initialisers), without
 * encoding it; null if there is no entry graph there. Each entry graph is its own
 * onnxruntime session with its own copy of the layers from `layer` on and the LM head.
 */
export function entryWeightBytes(parts: DecoderParts, layer: number): number | null {
  const graph = entryGraphProto(parts, layer);
  if (!graph) return null;
  return (graph.initializer ?? []).reduce((sum, t) => sum + tensorBytes(t), 0);
}

function tensorBytes(t: TensorProto): number {
  const external = t.external_data?.find((e) => e.key === "length")?.value;
  if (external !== undefined) return Number(external);
  const numbers = (t.float_data?.length ?? 0) + (t.int32_data?.length ?? 0);
  return (t.raw_data?.length ?? 0) + 4 * numbers + 8 * (t.int64_data?.length ?? 0);
}

function entryGraphProto(parts: DecoderParts, layer: number): GraphProto | null {
  if (typeof parts.stream === "string" || layer < 0) return null;
  const { layers, entering, types, cuts } = parts.stream;
  if (layer >= layers) return null;
  const stream = layer === 0 ? null : entering[layer]!;
  const pair = stream ? entryOperands(parts, stream) : null;
  // Fed the sum: the stream enters between the residual addition and its norm. Fed the
  // operands: a Split gives them to the addition, which stays as it was.
  const residual = pair ? null : stream;
  const { graph } = parts;
  let nodes = nodesSplitting(parts, residual ? [residual] : []);
  const halfShapes: ValueInfoProto[] = [];
  if (pair) {
    const halves = ["headflow_entry_0", "headflow_entry_1"];
    const opset = opsetVersion(parts.model, "") ?? 0;
    const split: NodeProto = {
      name: "headflow_entry_split",
      op_type: "Split",
      input: ["inputs_embeds"],
      output: halves,
      attribute: [
        { name: "axis", type: AttributeType.INT, i: -1 },
        ...(opset >= 18 ? [{ name: "num_outputs", type: AttributeType.INT, i: 2 }] : []),
      ],
    };
    const addition = { ...pair.node, input: [...halves, ...inputs(pair.node).slice(2)] };
    // Each half is shaped as the decoder's input was: onnxruntime fuses the addition with
    // the norm after it (as in the decoder) only where it knows the shapes match.
    const template = (graph.input ?? []).find((i) => i.name === "inputs_embeds");
    if (template) halfShapes.push(...halves.map((h) => retyped(template, h, types[layer]!)));
    nodes = [split, ...nodes.map((n) => (n === pair.node ? addition : n))];
  }
  const entered = (name: string) => (name === residual ? "inputs_embeds" : name);
  const sliced = new Map<NodeProto, Map<string, number>>();
  cuts.forEach((cut, i) => {
    for (const node of cut.consumers) {
      const map = sliced.get(node) ?? new Map<string, number>();
      map.set(cut.tensor, i);
      sliced.set(node, map);
    }
  });
  const slicedName = (i: number) => `headflow_last_${i}`;
  const inputOf = (node: NodeProto) => (name: string) => {
    const cut = sliced.get(node)?.get(name);
    return cut === undefined ? entered(name) : slicedName(cut);
  };
  const axes = [...new Set(cuts.map((c) => c.axis))];
  // Keep the nodes `logits` depends on (through the Slice nodes: their inputs count).
  const needed = new Set(["logits"]);
  const keep = new Set<NodeProto>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!outputs(node).some((o) => o !== "" && needed.has(o))) continue;
    keep.add(node);
    for (const input of inputs(node)) if (input !== "") needed.add(inputOf(node)(input));
    for (const [, index] of sliced.get(node) ?? []) needed.add(entered(cuts[index]!.tensor));
  }
  if (stream && !needed.has("inputs_embeds")) return null;
  // Fed the operands, nothing may still compute them (the layers below would stay).
  if (pair && pair.operands.some((o) => needed.has(o))) return null;
  const node: NodeProto[] = [];
  const emitted = new Set<number>();
  for (const original of nodes) {
    if (!keep.has(original)) continue;
    // A Slice goes right before its first consumer, so the node order stays topological.
    for (const [, index] of sliced.get(original) ?? []) {
      if (emitted.has(index)) continue;
      emitted.add(index);
      const cut = cuts[index]!;
      node.push({
        input: [entered(cut.tensor), SLICE.starts, SLICE.ends, axisName(cut.axis)],
        output: [slicedName(index)],
        name: `headflow_last_slice_${index}`,
        op_type: "Slice",
      });
    }
    const rename = inputOf(original);
    node.push(
      inputs(original).some((i) => rename(i) !== i)
        ? { ...original, input: inputs(original).map(rename) }
        : original,
    );
  }
  if (emitted.size !== cuts.length) return null;
  const initializer = [
    ...(cuts.length > 0
      ? [
          int64Initializer(SLICE.starts, [-1n]),
          int64Initializer(SLICE.ends, [9223372036854775807n]),
        ]
      : []),
    ...axes.map((axis) => int64Initializer(axisName(axis), [BigInt(axis)])),
    ...(graph.initializer ?? []).filter((t) => needed.has(t.name ?? "")),
  ];
  // Every input stays: the engine feeds the whole cache whichever layer it enters at.
  // The entered stream keeps its own type (float32 inside a float16 graph, say).
  const input = (graph.input ?? []).map((i) => {
    if (!stream || i.name !== "inputs_embeds") return i;
    const typed = retyped(i, "inputs_embeds", types[layer]!);
    return pair ? anyWidth(typed) : typed;
  });
  return {
    ...graph,
    node,
    input,
    initializer,
    output: (graph.output ?? []).filter((o) => o.name === "logits"),
    value_info: [
      ...halfShapes,
      ...(graph.value_info ?? []).filter((v) => needed.has(v.name ?? "")),
    ],
  };
}

/**
 * The decoder with extra outputs `residual.{l}` (l = 1..layers-1): the residual stream
 * entering layer l, shaped like `inputs_embeds` (in the stream's element type). Null if
 * the graph is not recognised or has another number of layers.
 */
export function residualsGraph(
  model: Uint8Array | DecoderParts,
  layers: number,
): Uint8Array | null {
  const parts = model instanceof Uint8Array ? parseGraph(model) : model;
  if (!parts || typeof parts.stream === "string" || parts.stream.layers !== layers) return null;
  const { entering, types } = parts.stream;
  const { graph } = parts;
  const template = (graph.input ?? []).find((i) => i.name === "inputs_embeds");
  if (!template) return null;
  // An Identity per residual gives the new outputs their own names; where runs enter
  // with the residual addition's operands, a Concat puts them side by side.
  const pairs = entering.map((tensor, l) => (l === 0 ? null : entryOperands(parts, tensor)));
  const identities: NodeProto[] = entering.slice(1).map((tensor, i) => {
    const pair = pairs[i + 1];
    return {
      input: pair ? pair.operands : [tensor],
      output: [residual(i + 1)],
      name: `headflow_residual_${i + 1}`,
      op_type: pair ? "Concat" : "Identity",
      ...(pair ? { attribute: [{ name: "axis", type: AttributeType.INT, i: -1 }] } : {}),
    };
  });
  const added = entering.slice(1).map((_, i) => {
    const typed = retyped(template, residual(i + 1), types[i + 1]!);
    return pairs[i + 1] ? anyWidth(typed) : typed;
  });
  // A sum the fused node does not name (no output 3) needs that node split.
  const produced = new Set(parts.nodes.flatMap(outputs));
  const unnamed = entering.slice(1).filter((t, i) => !pairs[i + 1] && !produced.has(t));
  return withGraph(parts, {
    ...graph,
    node: [...nodesSplitting(parts, unnamed), ...identities],
    output: [...(graph.output ?? []), ...added],
  });
}
