/**
 * Rewrites a decoder's fused attention into plain ONNX ops, so that every analysis can
 * run on it. onnxruntime's GroupQueryAttention (the model builder's attention, with the
 * rotary inside) refuses a batch > 1 when more than one token follows a past cache, has
 * no attention bias input and returns no attention probabilities. Each such node becomes
 *
 *   (packed QKV: Slice) -> heads-first Q, K, V -> rotary as Gather(cos/sin) Mul/Add ->
 *   present = Concat(past, new) -> key/value heads repeated per query-head group ->
 *   MatMul(Q, K^T) * scale [-> softcap] + causal mask [+ attention_bias.{l}] -> Softmax
 *   [-> attentions.{l}] -> MatMul(P, V) -> back to [batch, length, heads * headDim]
 *
 * with the node's own input and output names, so the rest of the graph is untouched and
 * the graph keeps its interface (`present.{l}.*` included). Positions and the causal mask
 * follow the kernel: row b's new tokens sit at seqlens_k[b] + 1 - length + i, and token
 * i sees the keys up to its own position (group_query_attention.cc). The layer l of a node
 * is read from its past input `past_key_values.{l}.key` (graph-names.ts).
 *
 * MultiHeadAttention and Attention nodes (the fusions of onnxruntime's transformers
 * optimizer and onnxscript) get the same treatment from multi-head-attention.ts: they do
 * batch over a past, but have no bias input per analysis and return no probabilities.
 */
import { HeadflowError } from "../../errors";
import { attentionBias, attentions } from "../graph-names";
import { addAttentionInterface } from "./attention-io";
import { Emitter, usedNames } from "./emitter";
import { readGqa, type GqaSpec } from "./group-query-attention";
import { emitMha, graphFacts, readMha } from "./multi-head-attention";
import {
  DataType,
  decodeModel,
  encodeModel,
  opsetVersion,
  toNumber,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from "./onnx";

export interface UnfuseOptions {
  /**
   * Add inputs `attention_bias.{l}` `[batch, heads, length, total]`, added to the scaled
   * scores (a [1, 1, 1, 1] zero when there is none: attention-io.ts).
   */
  bias?: boolean;
  /** Add outputs `attentions.{l}` `[batch, heads, length, total]`: the post-softmax probabilities. */
  attentions?: boolean;
}

export interface UnfusedDecoder {
  /** The rewritten model. */
  bytes: Uint8Array;
  /** Per layer (index = layer): query heads, key/value heads, head size. */
  layers: { heads: number; kvHeads: number; headDim: number }[];
}

/** Fused attention op types (com.microsoft) a decoder may use. */
export const FUSED_ATTENTION = ["GroupQueryAttention", "MultiHeadAttention", "Attention"];

const isFused = (node: NodeProto) =>
  node.domain === "com.microsoft" && FUSED_ATTENTION.includes(node.op_type ?? "");

/** The float32 value below every score: masked keys get exactly zero probability. */
const MASKED = -3.4028234663852886e38;

function bad(message: string): never {
  throw new HeadflowError("bad-model", message);
}

/** Whether the model's graph has fused attention nodes (GroupQueryAttention, ...). */
export function hasFusedAttention(model: Uint8Array): boolean {
  return (decodeModel(model).graph?.node ?? []).some(isFused);
}

/** The last dimension of every graph input and value_info whose shape states it. */
function lastDims(graph: GraphProto): Map<string, number> {
  const out = new Map<string, number>();
  for (const info of [...(graph.input ?? []), ...(graph.value_info ?? [])]) {
    const dims = info.type?.tensor_type?.shape?.dim ?? [];
    const last = dims[dims.length - 1];
    if (info.name && last && toNumber(last.dim_value) > 0)
      out.set(info.name, toNumber(last.dim_value));
  }
  return out;
}

function layerOf(spec: GqaSpec, order: number): number {
  const match = /^past_key_values\.(\d+)\.key$/.exec(spec.pastKey);
  return match ? Number(match[1]) : order;
}

/** The unfused nodes for one GroupQueryAttention node. */
function emitAttention(e: Emitter, spec: GqaSpec, layer: number, options: UnfuseOptions): void {
  const { heads: N, kvHeads: K, headDim: D } = spec;
  const group = N / K;
  // A float16 node (fp16 / q4f16 exports) keeps its float16 inputs, cache and output, and
  // computes as onnxruntime's kernel does: rotary in float32 rounded to float16 once
  // (the rotated query and the key it writes to the present cache), then scores, softmax
  // and the weighted sum in float32, the output rounded to float16 once. On a float32
  // node both casts are nothing.
  const float16 = spec.type !== DataType.FLOAT;
  const widen = (x: string) => (float16 ? e.op("Cast", [x], { to: DataType.FLOAT }) : x);
  const narrow = (x: string) => (float16 ? e.op("Cast", [x], { to: spec.type }) : x);
  const axis = (values: number[]) => e.int64(values);
  const scalar = (value: number) => e.int64([value], []);
  const slice = (x: string, from: number, to: number, along: number) =>
    e.op("Slice", [x, axis([from]), axis([to]), axis([along])]);
  const unsqueeze = (x: string, axes: number[]) => e.op("Unsqueeze", [x, axis(axes)]);

  let [q, k, v] = [spec.query, spec.key, spec.value];
  if (spec.packed) {
    q = slice(spec.query, 0, N * D, 2);
    k = slice(spec.query, N * D, (N + K) * D, 2);
    v = slice(spec.query, (N + K) * D, (N + 2 * K) * D, 2);
  }
  // [batch, length, n * D] -> [batch, n, length, D]
  const headsFirst = (x: string, n: number) =>
    e.op("Transpose", [e.op("Reshape", [x, axis([0, 0, n, D])])], { perm: [0, 2, 1, 3] });
  const q4 = headsFirst(q, N);
  const k4 = headsFirst(k, K);
  const v4 = headsFirst(v, K);

  // Positions [batch, length]: past_b + i with past_b = seqlens_k[b] + 1 - length.
  const length = e.op("Gather", [e.op("Shape", [q]), scalar(1)], { axis: 0 });
  const seqlens = e.op("Cast", [spec.seqlensK], { to: DataType.INT64 });
  const past = e.op("Sub", [e.op("Add", [seqlens, scalar(1)]), length]);
  const steps = e.op("Range", [scalar(0), length, scalar(1)]);
  const positions = e.op("Add", [unsqueeze(past, [1]), unsqueeze(steps, [0])]);

  let qr = widen(q4);
  let kr = k4;
  if (spec.rotary) {
    // Non-interleaved rotary on the first `dim` channels (the kernel's rotary_interleaved=0):
    // [x1, x2] -> [x1 cos - x2 sin, x2 cos + x1 sin]; the channels after `dim` pass through.
    const { dim } = spec.rotary;
    const half = dim / 2;
    const cos = widen(unsqueeze(e.op("Gather", [spec.rotary.cos, positions], { axis: 0 }), [1]));
    const sin = widen(unsqueeze(e.op("Gather", [spec.rotary.sin, positions], { axis: 0 }), [1]));
    const rotate = (x: string) => {
      const x1 = slice(x, 0, half, 3);
      const x2 = slice(x, half, dim, 3);
      const parts = [
        e.op("Sub", [e.op("Mul", [x1, cos]), e.op("Mul", [x2, sin])]),
        e.op("Add", [e.op("Mul", [x2, cos]), e.op("Mul", [x1, sin])]),
      ];
      if (dim < D) parts.push(slice(x, dim, D, 3));
      return e.op("Concat", parts, { axis: 3 });
    };
    qr = widen(narrow(rotate(widen(q4))));
    kr = narrow(rotate(widen(k4)));
  }

  const present = (pastName: string, fresh: string, outName: string) => {
    const outputs = outName ? { outputs: [outName] } : {};
    return pastName
      ? e.node("Concat", [pastName, fresh], { attributes: { axis: 2 }, ...outputs })[0]!
      : e.node("Identity", [fresh], outputs)[0]!;
  };
  const presentKey = present(spec.pastKey, kr, spec.presentKey);
  const presentValue = present(spec.pastValue, v4, spec.presentValue);

  // Query head h reads key/value head floor(h / group): repeat each key/value head.
  const repeat = (x: string) =>
    group === 1
      ? x
      : e.op("Reshape", [
          e.op("Expand", [unsqueeze(x, [2]), axis([1, 1, group, 1, 1])]),
          axis([0, N, -1, D]),
        ]);
  const keys = repeat(widen(presentKey));
  const values = repeat(widen(presentValue));

  const keysT = e.op("Transpose", [keys], { perm: [0, 1, 3, 2] });
  let scores = e.op("Mul", [e.op("MatMul", [qr, keysT]), e.float([spec.scale], [])]);
  if (spec.softcap > 0) {
    const cap = e.float([spec.softcap], []);
    scores = e.op("Mul", [e.op("Tanh", [e.op("Div", [scores, cap])]), cap]);
  }
  // Causal mask [batch, 1, length, total]: key j is seen by token i iff j <= position(i).
  const total = e.op("Gather", [e.op("Shape", [presentKey]), scalar(2)], { axis: 0 });
  const keyIndex = unsqueeze(e.op("Range", [scalar(0), total, scalar(1)]), [0, 1]);
  const seen = e.op("LessOrEqual", [keyIndex, unsqueeze(positions, [2])]);
  const mask = e.op("Where", [seen, e.float([0], []), e.float([MASKED], [])]);
  scores = e.op("Add", [scores, unsqueeze(mask, [1])]);
  if (options.bias) scores = e.op("Add", [scores, attentionBias(layer)]);
  const probabilities = e.op("Softmax", [scores], { axis: -1 });
  if (options.attentions) e.node("Identity", [probabilities], { outputs: [attentions(layer)] });

  const context = narrow(e.op("MatMul", [probabilities, values]));
  const merged = e.op("Transpose", [context], { perm: [0, 2, 1, 3] });
  e.node("Reshape", [merged, axis([0, 0, N * D])], { outputs: [spec.output] });
}

/**
 * Rewrites every fused attention node of a decoder (GroupQueryAttention,
 * MultiHeadAttention, Attention; see the header). Throws a HeadflowError naming the node
 * for forms it cannot reproduce exactly.
 */
export function unfuseAttention(model: Uint8Array, options: UnfuseOptions = {}): UnfusedDecoder {
  const decoded = decodeModel(model);
  const graph = decoded.graph;
  if (!graph) bad("the decoder model has no graph");
  const nodes = graph.node ?? [];
  const opset = opsetVersion(decoded, "");
  if (opset === null || opset < 13)
    bad(
      `the decoder imports ONNX opset ${opset ?? "none"}; the attention rewrite needs 13 or later`,
    );
  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer ?? []) if (t.name) initializers.set(t.name, t);
  const dims = lastDims(graph);
  const facts = graphFacts(graph);
  const used = usedNames(graph);

  const layers: UnfusedDecoder["layers"] = [];
  const rewritten: NodeProto[] = [];
  const added: TensorProto[] = [];
  let order = 0;
  for (const node of nodes) {
    if (!isFused(node)) {
      rewritten.push(node);
      continue;
    }
    let layer: number;
    let emit: (e: Emitter) => void;
    if (node.op_type === "GroupQueryAttention") {
      const spec = readGqa(
        node,
        (name) => initializers.get(name),
        (name) => dims.get(name) ?? null,
        (name) => facts.types.get(name) ?? null,
      );
      layer = layerOf(spec, order++);
      if (layers[layer]) bad(`two attention nodes read the past cache of layer ${layer}`);
      layers[layer] = { heads: spec.heads, kvHeads: spec.kvHeads, headDim: spec.headDim };
      emit = (e) => emitAttention(e, spec, layer, options);
    } else {
      const spec = readMha(node, facts);
      layer = spec.layer;
      order++;
      if (layers[layer]) bad(`two attention nodes read the past cache of layer ${layer}`);
      layers[layer] = { heads: spec.heads, kvHeads: spec.heads, headDim: spec.headDim };
      emit = (e) => emitMha(e, spec, options);
    }
    const emitter = new Emitter(used, `/headflow/layers.${layer}/attn`);
    emit(emitter);
    rewritten.push(...emitter.nodes);
    added.push(...emitter.initializers);
  }
  if (layers.length === 0) bad("the decoder has no fused attention node to rewrite");
  const missing = layers.findIndex((l) => l === undefined);
  if (missing >= 0 || layers.length !== order)
    bad(`the decoder's attention layers are not numbered 0..${order - 1}`);
  graph.node = rewritten;
  graph.initializer = [...(graph.initializer ?? []), ...added];
  addAttentionInterface(
    graph,
    layers.map((l) => l.heads),
    options,
  );
  return { bytes: encodeModel(decoded), layers };
}
