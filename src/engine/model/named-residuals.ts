/**
 * The residual stream of HeadFlow's own decoder (training/export.py), found by the module
 * scopes torch.onnx writes into node names: the tensor entering layer l is the first
 * input of the first LayerNormalization named `/lm/layers.{l}/...`, and it must come from
 * outside the layer and feed the layer's residual addition. Third-party decoders, whose
 * names follow other exporters, are located by structure instead
 * (graph/residual-stream.ts).
 */
import { DataType, type GraphProto, type NodeProto } from "./graph/onnx";
import type { ResidualStream } from "./graph/residual-stream";

const nameOf = (node: NodeProto) => node.name ?? "";
const inputs = (node: NodeProto) => node.input ?? [];
const outputs = (node: NodeProto) => node.output ?? [];

/** The tensor entering layer `layer` (see the header), or null if it cannot be found. */
function residualInput(nodes: NodeProto[], layer: number): string | null {
  const prefix = `/lm/layers.${layer}/`;
  const norm = nodes.find(
    (n) => nameOf(n).startsWith(prefix) && n.op_type === "LayerNormalization",
  );
  const tensor = norm && inputs(norm)[0];
  if (!tensor) return null;
  const producer = nodes.find((n) => outputs(n).includes(tensor));
  const residualAdd = nodes.some(
    (n) => nameOf(n).startsWith(prefix) && n.op_type === "Add" && inputs(n).includes(tensor),
  );
  if ((producer && nameOf(producer).startsWith(prefix)) || !residualAdd) return null;
  return tensor;
}

/**
 * In the last layer only the final position's output reaches the logits that are read.
 * Its keys and values are still needed for every position, but its query, attention
 * output, MLP, final norm and LM head only for the last one: the query input, the
 * causal-bias row and the residual are cut to the last position (every reshape in the
 * layer takes its sizes from its own tensor, so the rest follows). Null if the layer is
 * not recognised.
 */
function lastPositionCuts(
  nodes: NodeProto[],
  last: number,
  residual: string,
): ResidualStream["cuts"] | null {
  const prefix = `/lm/layers.${last}/`;
  const inLayer = nodes.filter((n) => nameOf(n).startsWith(prefix));
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
    { tensor: normOut, axis: 1, consumers: [query] },
    { tensor: inputs(biasAdd)[1]!, axis: 2, consumers: [biasAdd] },
    { tensor: residual, axis: 1, consumers: [residualAdd] },
  ];
}

/** The number of decoder layers: one past the highest `/lm/layers.{l}/` in node names. */
function countLayers(nodes: NodeProto[]): number {
  let layers = 0;
  for (const node of nodes) {
    const match = /^\/lm\/layers\.(\d+)\//.exec(nameOf(node));
    if (match) layers = Math.max(layers, Number(match[1]) + 1);
  }
  return layers;
}

/** The bundled decoder's residual stream, or why it was not found. */
export function namedResidualStream(graph: GraphProto): ResidualStream | string {
  const nodes = graph.node ?? [];
  const layers = countLayers(nodes);
  if (layers === 0) return "no /lm/layers.{l}/ nodes";
  const entering = ["inputs_embeds"];
  for (let l = 1; l < layers; l++) {
    const tensor = residualInput(nodes, l);
    if (!tensor) return `no residual input found for layer ${l}`;
    entering.push(tensor);
  }
  const last = residualInput(nodes, layers - 1);
  const cuts = last && lastPositionCuts(nodes, layers - 1, last);
  if (!cuts) return "the last layer's query, causal bias or residual addition was not found";
  return { layers, entering, types: entering.map(() => DataType.FLOAT), cuts };
}
