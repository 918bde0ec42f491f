/**
 * Where the residual stream enters each decoder layer, found from the graph's structure
 * alone (no node names), for decoders HeadFlow did not export itself.
 *
 * The idea: follow the values that flow from `inputs_embeds` to `logits`. A tensor that
 * every such path passes through (a dominator of `logits`) carries everything the rest of
 * the decoder needs from the tokens' embeddings: feed its value and the graph downstream
 * computes the same logits. Paths through `Shape` / `Size` carry no values (only sizes,
 * which the fed tensor has too: `[batch, length, hidden]`), so they are not followed.
 * In a pre-norm transformer the dominators are the residual stream between the layers
 * (and mid-layer, after the attention's addition); a layer's norm output is not one, since
 * the residual addition bypasses it.
 *
 * Which layer: a mask whose first ablated layer is l changes the past cache of layers l
 * and later only. So the run may enter at any dominator that depends on no past cache
 * of layer l or later (`past_key_values.{l'}.*`, l' >= l): its value is the clean run's.
 * The stream entering layer l is the latest such dominator (in a pre-norm transformer,
 * the residual after layer l-1's MLP). Each layer must get a later one than the layer
 * before, else nothing is returned. Fused residual additions
 * (SkipSimplifiedLayerNormalization) have no tensor for the stream between the addition
 * and the norm inside one node: split-skip-norm.ts splits them first.
 *
 * The LM head (the last MatMul on the dominator chain, reading a weight) only needs the
 * final position: its input is returned as the tensor to cut, when every op between it
 * and `logits` works position by position. A dynamically quantised head (its scale taken
 * over the whole row) is not cut.
 */
import { pastKey } from "../graph-names";
import { DataType, toNumber, type GraphProto, type NodeProto } from "./onnx";

export interface ResidualStream {
  layers: number;
  /** Per layer l, the tensor entering it (`entering[0]` is the graph's input). */
  entering: string[];
  /** Per layer l, the ONNX element type of `entering[l]`. */
  types: number[];
  /**
   * The tensors to cut to their final position (`[batch, length, ...]`, axis 1), with the
   * nodes reading them; empty when the logits cannot be cut.
   */
  cuts: { tensor: string; axis: number; consumers: NodeProto[] }[];
}

/** Ops whose output carries only the input's sizes. */
const SIZE_ONLY = new Set(["Shape", "Size"]);
/** Ops that work position by position when a weight is their other operand. */
const POSITIONWISE = new Set([
  "MatMul",
  "MatMulNBits",
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Cast",
  "CastLike",
  "Tanh",
  "Identity",
]);
const PAST = /^past_key_values\.(\d+)\.(key|value)$/;
const LM_HEAD = new Set(["MatMul", "MatMulNBits"]);
const SOURCE = "inputs_embeds";
const LOGITS = "logits";

/** The stream entering each layer, or a sentence saying why it was not found. */
export function locateResidualStream(graph: GraphProto): ResidualStream | string {
  const nodes = graph.node ?? [];
  const producer = new Map<string, NodeProto>();
  for (const node of nodes) for (const o of node.output ?? []) if (o) producer.set(o, node);
  const inputNames = new Set((graph.input ?? []).map((i) => i.name ?? ""));
  if (!inputNames.has(SOURCE)) return `the graph has no ${SOURCE}`;
  if (!(graph.output ?? []).some((o) => o.name === LOGITS))
    return `the graph has no ${LOGITS} output`;
  let layers = 0;
  while (inputNames.has(pastKey(layers))) layers++;
  if (layers === 0) return "the graph has no past_key_values.{l}.key inputs";

  // Value flow from the embeddings, in node order (ONNX lists nodes topologically).
  const order = new Map<string, number>([[SOURCE, 0]]);
  const preds = new Map<string, string[]>([[SOURCE, []]]);
  for (const node of nodes) {
    if (SIZE_ONLY.has(node.op_type ?? "")) continue;
    const from = (node.input ?? []).filter((i) => i !== "" && order.has(i));
    if (from.length === 0) continue;
    for (const o of node.output ?? []) {
      if (!o) continue;
      order.set(o, order.size);
      preds.set(o, from);
    }
  }
  if (!order.has(LOGITS)) return `${LOGITS} does not depend on ${SOURCE}`;

  // Immediate dominators on a DAG in topological order (Cooper, Harvey and Kennedy).
  const idom = new Map<string, string>([[SOURCE, SOURCE]]);
  const intersect = (a: string, b: string) => {
    while (a !== b) {
      while (order.get(a)! > order.get(b)!) a = idom.get(a)!;
      while (order.get(b)! > order.get(a)!) b = idom.get(b)!;
    }
    return a;
  };
  for (const [tensor, from] of preds) {
    if (tensor === SOURCE) continue;
    idom.set(tensor, from.reduce(intersect));
  }
  const chain: string[] = [LOGITS];
  while (chain[0] !== SOURCE) chain.unshift(idom.get(chain[0]!)!);
  const position = new Map(chain.map((t, i) => [t, i]));

  // The latest layer whose past cache each value depends on (-1: none).
  const pastLayer = new Map<string, number>();
  for (const input of graph.input ?? []) {
    const match = PAST.exec(input.name ?? "");
    if (match) pastLayer.set(input.name!, Number(match[1]));
  }
  for (const node of nodes) {
    if (SIZE_ONLY.has(node.op_type ?? "")) continue;
    let latest = -1;
    for (const i of node.input ?? []) latest = Math.max(latest, pastLayer.get(i) ?? -1);
    if (latest >= 0) for (const o of node.output ?? []) if (o) pastLayer.set(o, latest);
  }
  const layerOf = (tensor: string) => pastLayer.get(tensor) ?? -1;
  if (layerOf(LOGITS) !== layers - 1)
    return `${LOGITS} does not depend on the last layer's past cache`;
  // Per layer, the latest stream value that reads no past of that layer or later.
  const entering: string[] = [];
  for (let l = 0; l < layers; l++) {
    let found = SOURCE;
    for (const tensor of chain) if (layerOf(tensor) < l) found = tensor;
    if (l > 0 && position.get(found)! <= position.get(entering[l - 1]!)!)
      return `no single tensor carries the residual stream from layer ${l - 1} to layer ${l}`;
    entering.push(found);
  }
  const types = typesOf(graph, producer);
  const entryTypes = entering.map((t) => types(t));
  if (entryTypes.some((t) => t !== DataType.FLOAT && t !== DataType.FLOAT16))
    return "the residual stream is neither float32 nor float16";
  return {
    layers,
    entering,
    types: entryTypes,
    cuts: lastPositionCut(chain, producer, preds, entering[layers - 1]!),
  };
}

/**
 * The LM head's input, cut to the final position (see the header): the last MatMul on
 * the chain after the last layer's entry whose other operand does not depend on the
 * embeddings, if every value path from there to `logits` is position-wise.
 */
function lastPositionCut(
  chain: string[],
  producer: Map<string, NodeProto>,
  preds: Map<string, string[]>,
  lastEntry: string,
): ResidualStream["cuts"] {
  const start = chain.indexOf(lastEntry);
  for (let i = chain.length - 1; i > start; i--) {
    const node = producer.get(chain[i]!);
    if (!node || !LM_HEAD.has(node.op_type ?? "")) continue;
    const input = (node.input ?? [])[0] ?? "";
    if (input !== chain[i - 1] || preds.get(chain[i]!)!.length !== 1) return [];
    // Every node between the head's input and logits.
    const between: NodeProto[] = [];
    const seen = new Set<NodeProto>();
    const stack = [LOGITS];
    while (stack.length > 0) {
      const tensor = stack.pop()!;
      if (tensor === input) continue;
      const p = producer.get(tensor);
      if (!p || seen.has(p)) continue;
      seen.add(p);
      between.push(p);
      for (const from of preds.get(tensor) ?? []) stack.push(from);
    }
    if (between.some((n) => !POSITIONWISE.has(n.op_type ?? ""))) return [];
    return [{ tensor: input, axis: 1, consumers: [node] }];
  }
  return [];
}

const BOOLEAN = new Set([
  "Equal",
  "Less",
  "LessOrEqual",
  "Greater",
  "GreaterOrEqual",
  "And",
  "Or",
  "Not",
  "Xor",
  "IsNaN",
  "IsInf",
]);

/**
 * Element types of tensors, as far as the residual stream needs them: declared ones
 * (inputs, initialisers, value_info), Cast's target, else the first known input's type
 * (what elementwise ops, norms and MatMul give).
 */
function typesOf(graph: GraphProto, producer: Map<string, NodeProto>): (tensor: string) => number {
  const known = new Map<string, number>();
  for (const v of [...(graph.input ?? []), ...(graph.value_info ?? []), ...(graph.output ?? [])]) {
    const type = v.type?.tensor_type?.elem_type;
    if (v.name && type) known.set(v.name, type);
  }
  for (const t of graph.initializer ?? [])
    if (t.name && t.data_type) known.set(t.name, t.data_type);
  const typeOf = (tensor: string, depth = 0): number => {
    const found = known.get(tensor);
    if (found !== undefined) return found;
    const node = producer.get(tensor);
    let type = 0;
    if (node && depth < 10_000) {
      const op = node.op_type ?? "";
      const to = node.attribute?.find((a) => a.name === "to");
      if (op === "Cast" && to) type = toNumber(to.i);
      else if (op === "CastLike") type = typeOf(node.input?.[1] ?? "", depth + 1);
      else if (SIZE_ONLY.has(op)) type = DataType.INT64;
      else if (BOOLEAN.has(op)) type = DataType.BOOL;
      else
        for (const input of node.input ?? []) {
          if (!input) continue;
          type = typeOf(input, depth + 1);
          if (type) break;
        }
    }
    known.set(tensor, type);
    return type;
  };
  return (tensor) => typeOf(tensor);
}
