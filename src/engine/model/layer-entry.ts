/**
 * Graphs derived from a bundle's decoder so that an ablation run can enter the decoder at
 * its first ablated layer. Before that layer nothing differs from the clean run: every
 * text token's hidden state there equals the clean one, so it is computed once per image
 * and fed in, and the layers below are skipped. With alpha = 0.05 and 8 heads per layer,
 * a layer is untouched with probability 0.95^8 = 0.66, so this skips about 1.9 of 8
 * layers per mask on average.
 *
 * Two derived graphs, both cut out of the bundle's own decoder, so the weights and the
 * operations are the very ones the full decoder runs:
 * - `entryGraph(model, l)`: the decoder from layer l on. `inputs_embeds` now carries the
 *   residual stream entering layer l (l >= 1); only `logits` is an output, for the final
 *   position only, and nodes that do not feed it (the layers below l, the position
 *   embedding, `present.*`, the last layer's work for the other positions) are removed.
 * - `residualsGraph(model)`: the decoder plus outputs `residual.{l}`: the residual stream
 *   entering each layer l = 1..L-1.
 *
 * The residual stream entering layer l is the first input of the first LayerNormalization
 * node named `/lm/layers.{l}/...`: the module scopes torch.onnx writes for HeadFlow's
 * exporter (training/export.py). A bundle without them, or with control-flow nodes, gets
 * `null` and the engine runs the whole decoder as before.
 *
 * The model is read and written with the protobufjs codec of onnx's schema
 * (graph/onnx.ts): every field the schema knows is kept, and initialisers stay views of
 * the input bytes until the derived model is encoded. The parsed model is never mutated,
 * so several graphs can be derived from one parse.
 */
import { residual } from "./graph-names";
import { decodeModel, encodeModel, type ModelProto, type NodeProto } from "./graph/onnx";
import { DataType, type GraphProto, type TensorProto } from "./graph/onnx";

/** A decoder model parsed once, for deriving several graphs from it. */
export interface DecoderParts {
  model: ModelProto;
  graph: GraphProto;
  nodes: NodeProto[];
}

const hasSubgraph = (node: NodeProto) =>
  (node.attribute ?? []).some((a) => a.g || (a.graphs?.length ?? 0) > 0);

/**
 * Parses a decoder model for `entryGraph` / `residualsGraph`; null if it is not usable,
 * a HeadflowError ("not an ONNX model: ...") for bytes that are not a model.
 */
export function parseGraph(bytes: Uint8Array): DecoderParts | null {
  const model = decodeModel(bytes);
  const graph = model.graph;
  if (!graph) return null;
  const nodes = graph.node ?? [];
  if (nodes.some(hasSubgraph)) return null;
  return { model, graph, nodes };
}

const nameOf = (node: NodeProto) => node.name ?? "";
const inputs = (node: NodeProto) => node.input ?? [];
const outputs = (node: NodeProto) => node.output ?? [];

/** The tensor entering layer `layer` (see the header), or null if it cannot be found. */
function residualInput(parts: DecoderParts, layer: number): string | null {
  const prefix = `/lm/layers.${layer}/`;
  const norm = parts.nodes.find(
    (n) => nameOf(n).startsWith(prefix) && n.op_type === "LayerNormalization",
  );
  const tensor = norm && inputs(norm)[0];
  if (!tensor) return null;
  // It must come from outside the layer and also feed the layer's residual addition.
  const producer = parts.nodes.find((n) => outputs(n).includes(tensor));
  const residualAdd = parts.nodes.some(
    (n) => nameOf(n).startsWith(prefix) && n.op_type === "Add" && inputs(n).includes(tensor),
  );
  if ((producer && nameOf(producer).startsWith(prefix)) || !residualAdd) return null;
  return tensor;
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

const SLICE = {
  starts: "headflow_last_starts",
  ends: "headflow_last_ends",
  tokens: "headflow_last_axis_tokens",
  queries: "headflow_last_axis_queries",
};

/**
 * In the last layer only the final position's output reaches the logits that are read.
 * Its keys and values are still needed for every position, but its query, attention
 * output, MLP, final norm and LM head only for the last one: Slice nodes cut the query
 * input, the causal-bias row and the residual to the last position (every reshape in the
 * layer takes its sizes from its own tensor, so the rest follows). Returns the tensors to
 * slice, or null if the layer is not recognised.
 */
function lastPositionCuts(
  parts: DecoderParts,
  last: number,
  residual: string,
): { tensor: string; axis: string; consumers: NodeProto[] }[] | null {
  const prefix = `/lm/layers.${last}/`;
  const inLayer = parts.nodes.filter((n) => nameOf(n).startsWith(prefix));
  const norm = inLayer.find((n) => n.op_type === "LayerNormalization");
  const query = inLayer.find((n) => n.name === `${prefix}attn/q/MatMul`);
  const residualAdd = inLayer.find((n) => n.op_type === "Add" && inputs(n).includes(residual));
  const produced = new Set(inLayer.flatMap(outputs));
  // scores + causal bias: the bias comes from outside the layer (shared by all layers).
  const biasAdd = inLayer.find(
    (n) => n.name === `${prefix}attn/Add` && inputs(n).length === 2 && !produced.has(inputs(n)[1]!),
  );
  const normOut = norm && outputs(norm)[0];
  if (!norm || !query || !residualAdd || !biasAdd || !normOut || inputs(query)[0] !== normOut)
    return null;
  return [
    { tensor: normOut, axis: SLICE.tokens, consumers: [query] },
    { tensor: inputs(biasAdd)[1]!, axis: SLICE.queries, consumers: [biasAdd] },
    { tensor: residual, axis: SLICE.tokens, consumers: [residualAdd] },
  ];
}

/**
 * The decoder entered at layer `layer`: for layer >= 1 `inputs_embeds` is the residual
 * stream entering that layer. The only output is `logits`, for the final position only
 * (`[batch, 1, vocab]`). Null if the graph is not recognised.
 */
export function entryGraph(model: Uint8Array | DecoderParts, layer: number): Uint8Array | null {
  const parts = model instanceof Uint8Array ? parseGraph(model) : model;
  if (!parts || layer < 0) return null;
  const layers = countLayers(parts);
  if (layer >= layers) return null;
  const residual = layer === 0 ? null : residualInput(parts, layer);
  if (layer > 0 && !residual) return null;
  const lastResidual = residualInput(parts, layers - 1);
  const cuts = lastResidual && lastPositionCuts(parts, layers - 1, lastResidual);
  if (!cuts) return null;
  const { graph, nodes } = parts;
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
  // Keep the nodes `logits` depends on (through the Slice nodes: their inputs count).
  const needed = new Set(["logits", SLICE.starts, SLICE.ends, SLICE.tokens, SLICE.queries]);
  const keep = new Set<NodeProto>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!outputs(node).some((o) => o !== "" && needed.has(o))) continue;
    keep.add(node);
    for (const input of inputs(node)) if (input !== "") needed.add(inputOf(node)(input));
    for (const [, index] of sliced.get(node) ?? []) needed.add(entered(cuts[index]!.tensor));
  }
  if (residual && !needed.has("inputs_embeds")) return null;
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
        input: [entered(cut.tensor), SLICE.starts, SLICE.ends, cut.axis],
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
    int64Initializer(SLICE.starts, [-1n]),
    int64Initializer(SLICE.ends, [9223372036854775807n]),
    int64Initializer(SLICE.tokens, [1n]),
    int64Initializer(SLICE.queries, [2n]),
    ...(graph.initializer ?? []).filter((t) => needed.has(t.name ?? "")),
  ];
  return withGraph(parts, {
    ...graph,
    node,
    initializer,
    // Every input stays: the engine feeds the whole cache whichever layer it enters at.
    output: (graph.output ?? []).filter((o) => o.name === "logits"),
    value_info: (graph.value_info ?? []).filter((v) => needed.has(v.name ?? "")),
  });
}

/** The number of decoder layers: one past the highest `/lm/layers.{l}/` in node names. */
function countLayers(parts: DecoderParts): number {
  let layers = 0;
  for (const node of parts.nodes) {
    const match = /^\/lm\/layers\.(\d+)\//.exec(nameOf(node));
    if (match) layers = Math.max(layers, Number(match[1]) + 1);
  }
  return layers;
}

/**
 * The decoder with extra outputs `residual.{l}` (l = 1..layers-1): the residual stream
 * entering layer l, shaped like `inputs_embeds`. Null if the graph is not recognised.
 */
export function residualsGraph(
  model: Uint8Array | DecoderParts,
  layers: number,
): Uint8Array | null {
  const parts = model instanceof Uint8Array ? parseGraph(model) : model;
  if (!parts) return null;
  const residuals: string[] = [];
  for (let l = 1; l < layers; l++) {
    const tensor = residualInput(parts, l);
    if (!tensor) return null;
    residuals.push(tensor);
  }
  const { graph } = parts;
  const template = (graph.input ?? []).find((i) => i.name === "inputs_embeds");
  if (!template) return null;
  // An Identity per residual gives the new outputs their own names.
  const identities: NodeProto[] = residuals.map((tensor, i) => ({
    input: [tensor],
    output: [residual(i + 1)],
    name: `headflow_residual_${i + 1}`,
    op_type: "Identity",
  }));
  const added = residuals.map((_, i) => ({ ...template, name: residual(i + 1) }));
  return withGraph(parts, {
    ...graph,
    node: [...parts.nodes, ...identities],
    output: [...(graph.output ?? []), ...added],
  });
}
