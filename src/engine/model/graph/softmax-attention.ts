/**
 * The attention interface (attention-io.ts) on a decoder whose attention is already plain
 * ONNX ops (MatMul, Softmax, MatMul), as optimum exports transformers models for
 * transformers.js: before each layer's attention Softmax an Add of `attention_bias.{l}`,
 * and the Softmax's output exposed as `attentions.{l}`.
 *
 * Which layer a Softmax belongs to: the largest l whose past cache
 * (`past_key_values.{l}.key` / `.value`) it depends on. Layer l's scores read its own past
 * keys, and the residual stream they are computed from depends on the past of layers
 * 0..l-1 only, never on a later layer's. A Softmax that depends on no past cache (none
 * in a decoder's attention) is left alone. The rewrite is refused unless every layer gets
 * exactly one Softmax over the last axis: a second Softmax in a layer (a mixture-of-experts
 * router, say) would make the choice ambiguous.
 */
import { HeadflowError } from "../../errors";
import { attentionBias, attentions } from "../graph-names";
import { addAttentionInterface } from "./attention-io";
import { Emitter, usedNames } from "./emitter";
import {
  DataType,
  decodeModel,
  encodeModel,
  intAttribute,
  opsetVersion,
  type NodeProto,
} from "./onnx";

export interface SoftmaxAttention {
  bytes: Uint8Array;
  /** The Softmax node of each layer (index = layer). */
  softmax: string[];
}

function bad(message: string): never {
  throw new HeadflowError("bad-model", message);
}

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;

/**
 * Adds the bias inputs and/or attention outputs to a decoder with unfused attention;
 * throws a HeadflowError saying why when its Softmax nodes cannot be matched to layers.
 */
export function exposeSoftmaxAttention(
  model: Uint8Array,
  options: { bias?: boolean; attentions?: boolean },
): SoftmaxAttention {
  const decoded = decodeModel(model);
  const graph = decoded.graph;
  if (!graph) bad("the decoder model has no graph");
  const opset = opsetVersion(decoded, "");
  // Before opset 13 Softmax flattened its input to 2-D around `axis`: not a per-row softmax.
  if (opset === null || opset < 13)
    bad(
      `the decoder imports ONNX opset ${opset ?? "none"}; exposing its attention needs 13 or later`,
    );

  // The latest layer whose past cache each value depends on (-1: none). ONNX lists nodes
  // in topological order, so one pass suffices.
  const layerOf = new Map<string, number>();
  let layers = 0;
  for (const input of graph.input ?? []) {
    const match = PAST.exec(input.name ?? "");
    if (!match) continue;
    layerOf.set(input.name!, Number(match[1]));
    layers = Math.max(layers, Number(match[1]) + 1);
  }
  if (layers === 0) bad("the decoder has no past_key_values.{l}.key inputs");
  // The interface is float32 whatever the graph computes in. A float32 cache: the bias is
  // added as it is and the probabilities passed on (bit for bit the clean run). Otherwise
  // (a float16 cache, whether the graph computes in float16 or casts to float32 inside)
  // the bias is cast like the scores (CastLike takes the type from the scores at run
  // time, so no type inference is needed) and the probabilities cast to float32.
  const pastTypes = new Set(
    (graph.input ?? [])
      .filter((i) => PAST.test(i.name ?? ""))
      .map((i) => i.type?.tensor_type?.elem_type ?? 0),
  );
  const float32 = pastTypes.size === 1 && pastTypes.has(DataType.FLOAT);
  const unknown = [...pastTypes].find((t) => t !== DataType.FLOAT && t !== DataType.FLOAT16);
  if (unknown !== undefined)
    bad(
      `the decoder's past cache has ONNX type ${unknown}: exposing attention is done on float32 or float16 caches`,
    );
  if (!float32 && opset < 15)
    bad(
      `the decoder has a float16 cache and imports ONNX opset ${opset}: casting the attention bias to the scores' type needs CastLike (opset 15)`,
    );
  const found: NodeProto[][] = Array.from({ length: layers }, () => []);
  for (const node of graph.node ?? []) {
    let layer = -1;
    for (const name of node.input ?? []) layer = Math.max(layer, layerOf.get(name) ?? -1);
    for (const name of node.output ?? []) if (name) layerOf.set(name, layer);
    if (node.op_type === "Softmax" && !node.domain && layer >= 0) found[layer]!.push(node);
  }
  const wrong = found.findIndex((nodes) => nodes.length !== 1);
  if (wrong >= 0)
    bad(
      `the decoder's layer ${wrong} has ${found[wrong]!.length} Softmax nodes that depend on its past cache; exposing attention needs exactly one per layer`,
    );
  const softmax = found.map((nodes) => nodes[0]!);
  softmax.forEach((node, l) => {
    const axis = intAttribute(node, "axis", -1);
    if (axis !== -1 && axis !== 3)
      bad(`the decoder's layer ${l} Softmax ${node.name ?? ""} is over axis ${axis}, not the keys`);
  });

  const used = usedNames(graph);
  const nodes: NodeProto[] = [];
  for (const node of graph.node ?? []) {
    const l = softmax.indexOf(node);
    if (l < 0) {
      nodes.push(node);
      continue;
    }
    const e = new Emitter(used, `/headflow/layers.${l}/attn`);
    if (options.bias) {
      const scores = node.input![0]!;
      const bias = float32 ? attentionBias(l) : e.op("CastLike", [attentionBias(l), scores]);
      node.input = [e.op("Add", [scores, bias])];
    }
    nodes.push(...e.nodes, node);
    if (options.attentions) {
      const out = new Emitter(used, `/headflow/layers.${l}/attn`);
      if (float32) out.node("Identity", [node.output![0]!], { outputs: [attentions(l)] });
      else
        out.node("Cast", [node.output![0]!], {
          attributes: { to: DataType.FLOAT },
          outputs: [attentions(l)],
        });
      nodes.push(...out.nodes);
    }
  }
  graph.node = nodes;
  addAttentionInterface(
    graph,
    softmax.map(() => null),
    options,
  );
  return { bytes: encodeModel(decoded), softmax: softmax.map((n) => n.name ?? "") };
}
