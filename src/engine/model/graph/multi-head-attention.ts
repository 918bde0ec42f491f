/**
 * What a `com.microsoft` MultiHeadAttention or Attention node computes in a decoder, and
 * the plain ONNX ops that compute the same with the attention interface (attention-io.ts).
 * The semantics are onnxruntime's contrib-op schema (docs/ContribOperators.md) and its CPU
 * kernels (multihead_attention.cc, attention.cc, attention_cpu_base.h, PrepareMask in
 * attention_helper.h):
 *
 *   MultiHeadAttention(query, key, value [B, S, N H], bias [3 N H], key_padding_mask,
 *     attention_bias, past_key, past_value [B, N, P, H]) -> output, present_key, present_value
 *   Attention(input, weights [D, 3 N H], bias, mask_index, past [2, B, N, P, H],
 *     attention_bias) -> output, present [2, B, N, P + S, H]
 *
 * Both: q/k/v (+ bias) -> heads-first -> present = Concat(past, new) -> scores =
 * q k^T * scale (default 1 / sqrt(H)) + mask + attention_bias -> Softmax -> P v. The mask
 * adds mask_filter_value (default -10000) for a key whose 2-D padding mask is 0 and, with
 * unidirectional=1, for key j > P + i; both at once add it twice (the kernel's `+=`). An
 * additive finite value, not -inf: a row whose keys are all masked keeps the kernel's
 * answer (the softmax of the unmasked scores) instead of NaN.
 *
 * Forms refused with the reason: no past input (an encoder or cross-attention: key/value
 * may then be [B, N, L, H]), a mask of another rank than 2 or of unknown rank, Attention's
 * do_rotary / past_present_share_buffer / unequal qkv_hidden_sizes / past_sequence_length,
 * MultiHeadAttention's past_sequence_length / cache_indirection inputs and qk output, a
 * cache that is neither float32 nor float16. A float16 node keeps its float16 projections,
 * cache and output and computes scores, softmax and the weighted sum in float32.
 * Rotary done outside the op (com.microsoft RotaryEmbedding nodes) is left as it is: it
 * runs batched.
 */
import { HeadflowError } from "../../errors";
import { attentionBias, attentions } from "../graph-names";
import type { Emitter } from "./emitter";
import {
  DataType,
  attribute,
  floatAttribute,
  intAttribute,
  toNumber,
  type GraphProto,
  type NodeProto,
} from "./onnx";

export type FusedOp = "MultiHeadAttention" | "Attention";

export interface MhaSpec {
  node: NodeProto;
  op: FusedOp;
  /** The layer whose `past_key_values.{l}.*` input feeds the node's past. */
  layer: number;
  /** The cache's ONNX element type: float32, or float16 (fp16 exports). */
  type: number;
  heads: number;
  headDim: number;
  scale: number;
  maskFilter: number;
  causal: boolean;
  /** MultiHeadAttention: q, k, v `[B, S, N H]`; Attention: the input and packed weights. */
  projection: { query: string; key: string; value: string } | { input: string; weights: string };
  /** `[3 N H]` bias of q, k and v, or "". */
  qkvBias: string;
  /** int32 `[B, total]` key padding mask (0: masked), or "". */
  keyPadding: string;
  /** Additive `[B or 1, N or 1, S, total]` bias, or "". */
  attentionBias: string;
  /** Separate past key and value, or one packed `[2, B, N, P, H]` past. */
  past: { key: string; value: string } | { packed: string };
  output: string;
  /** The node's present outputs ("" where absent), in the same form as its past. */
  present: { key: string; value: string } | { packed: string };
}

/** What the reader needs to know of the graph around a node. */
export interface GraphFacts {
  /** The node writing each tensor. */
  producer: Map<string, NodeProto>;
  /** The stated shape of graph inputs and value_info (dims: number, or null when symbolic). */
  shapes: Map<string, (number | null)[]>;
  /** The stated element type of graph inputs and value_info. */
  types: Map<string, number>;
}

export function graphFacts(graph: GraphProto): GraphFacts {
  const producer = new Map<string, NodeProto>();
  for (const node of graph.node ?? []) for (const out of node.output ?? []) producer.set(out, node);
  const shapes = new Map<string, (number | null)[]>();
  const types = new Map<string, number>();
  for (const info of [...(graph.input ?? []), ...(graph.value_info ?? [])]) {
    const elem = info.type?.tensor_type?.elem_type;
    if (info.name && elem) types.set(info.name, elem);
    const shape = info.type?.tensor_type?.shape;
    if (info.name && shape)
      shapes.set(
        info.name,
        (shape.dim ?? []).map((d) => (toNumber(d.dim_value) > 0 ? toNumber(d.dim_value) : null)),
      );
  }
  return { producer, shapes, types };
}

const KNOWN: Record<FusedOp, Set<string>> = {
  MultiHeadAttention: new Set(["num_heads", "scale", "mask_filter_value", "unidirectional"]),
  Attention: new Set([
    "num_heads",
    "scale",
    "mask_filter_value",
    "unidirectional",
    "qkv_hidden_sizes",
    "do_rotary",
    "rotary_embedding_dim",
    "past_present_share_buffer",
  ]),
};

function refuse(node: NodeProto, what: string): never {
  throw new HeadflowError(
    "bad-model",
    `${node.op_type} node ${node.name || "(unnamed)"}: ${what}; HeadFlow cannot rewrite it into analysable attention`,
  );
}

/** Ops a cache or mask passes through unchanged in shape on its way to the node. */
const SHAPE_KEEPING = new Set(["Cast", "Identity"]);

/**
 * The `past_key_values.{l}.key` graph input a past tensor comes from (through Cast,
 * Unsqueeze, Concat, ...: a few producers up), with its stated shape.
 */
function pastSource(
  name: string,
  facts: GraphFacts,
): { layer: number; dims: (number | null)[]; type: number | null } | null {
  let frontier = [name];
  for (let depth = 0; depth < 4 && frontier.length > 0; depth++) {
    for (const tensor of frontier) {
      const match = /^past_key_values\.(\d+)\.key$/.exec(tensor);
      if (match)
        return {
          layer: Number(match[1]),
          dims: facts.shapes.get(tensor) ?? [],
          type: facts.types.get(tensor) ?? null,
        };
    }
    frontier = frontier.flatMap((t) => facts.producer.get(t)?.input ?? []).filter((t) => t !== "");
  }
  return null;
}

/** The rank of a tensor when the graph states it (through Cast / Identity), else null. */
function rankOf(name: string, facts: GraphFacts): number | null {
  for (let tensor = name, depth = 0; depth < 4; depth++) {
    const dims = facts.shapes.get(tensor);
    if (dims) return dims.length;
    const node = facts.producer.get(tensor);
    if (!node || !SHAPE_KEEPING.has(node.op_type ?? "")) return null;
    tensor = node.input?.[0] ?? "";
  }
  return null;
}

/** Reads a MultiHeadAttention or Attention node (see the header). */
export function readMha(node: NodeProto, facts: GraphFacts): MhaSpec {
  const op = node.op_type as FusedOp;
  const inputs = node.input ?? [];
  const outputs = node.output ?? [];
  const input = (i: number) => inputs[i] ?? "";
  for (const attr of node.attribute ?? [])
    if (!KNOWN[op].has(attr.name ?? "")) refuse(node, `attribute ${attr.name} is not supported`);
  const heads = intAttribute(node, "num_heads", 0);
  if (heads <= 0) refuse(node, `num_heads ${heads}`);
  const unidirectional = intAttribute(node, "unidirectional", 0);
  if (unidirectional !== 0 && unidirectional !== 1)
    refuse(node, `unidirectional=${unidirectional}`);

  const mha = op === "MultiHeadAttention";
  const [maskAt, pastAt] = mha ? [4, 6] : [3, 4];
  if (mha) {
    if (input(8) !== "" || input(9) !== "")
      refuse(node, "inputs past_sequence_length / cache_indirection are not supported");
    if ((outputs[3] ?? "") !== "") refuse(node, "output qk is not supported");
    if (input(1) === "" || input(2) === "")
      refuse(node, "packed QKV in the query (no key / value input) is not supported");
    if (input(6) === "" || input(7) === "")
      refuse(
        node,
        "it has no past_key / past_value (an encoder or cross-attention, not a decoder's self-attention)",
      );
  } else {
    if (intAttribute(node, "do_rotary", 0) !== 0)
      refuse(node, "do_rotary=1 (rotary inside Attention) is not supported yet");
    if (intAttribute(node, "past_present_share_buffer", 0) !== 0)
      refuse(node, "past_present_share_buffer=1 is not supported");
    if (input(6) !== "") refuse(node, "input past_sequence_length is not supported");
    const sizes = attribute(node, "qkv_hidden_sizes")?.ints?.map((n) => toNumber(n)) ?? [];
    if (sizes.length > 0 && (sizes.length !== 3 || sizes.some((s) => s !== sizes[0])))
      refuse(node, `qkv_hidden_sizes ${sizes.join(", ")} are not equal`);
    if (input(4) === "")
      refuse(node, "it has no past input (an encoder, not a decoder with a key/value cache)");
  }

  const source = pastSource(input(pastAt), facts);
  if (!source)
    refuse(node, `its past ${input(pastAt)} does not come from a past_key_values.{l}.key input`);
  // float16 caches are kept as they are, attention computed in float32 between them
  // (emitMha); other types (bfloat16, ...) are refused.
  if (source.type !== DataType.FLOAT && source.type !== DataType.FLOAT16)
    refuse(
      node,
      `its key/value cache has ONNX type ${source.type ?? "unknown"} (float32 or float16 expected)`,
    );
  const headDim = source.dims[3] ?? null;
  if (headDim === null || source.dims.length !== 4)
    refuse(node, `the head size of past_key_values.${source.layer}.key is not stated`);
  if (source.dims[1] !== null && source.dims[1] !== heads)
    refuse(node, `its cache has ${source.dims[1]} heads, num_heads is ${heads}`);

  const mask = input(maskAt);
  if (mask !== "") {
    const rank = rankOf(mask, facts);
    if (rank !== 2)
      refuse(
        node,
        `its ${mha ? "key_padding_mask" : "mask_index"} ${rank === null ? "has a rank the graph does not state" : `has rank ${rank}`} (only a 2-D [batch, total] mask is rewritten)`,
      );
  }
  const scale = floatAttribute(node, "scale", 0);
  return {
    node,
    op,
    layer: source.layer,
    type: source.type,
    heads,
    headDim,
    scale: scale === 0 ? 1 / Math.sqrt(headDim) : scale,
    maskFilter: floatAttribute(node, "mask_filter_value", -10000),
    causal: unidirectional === 1,
    projection: mha
      ? { query: input(0), key: input(1), value: input(2) }
      : { input: input(0), weights: input(1) },
    qkvBias: mha ? input(3) : input(2),
    keyPadding: mask,
    attentionBias: input(5),
    past: mha ? { key: input(6), value: input(7) } : { packed: input(4) },
    output: outputs[0] ?? "",
    present: mha
      ? { key: outputs[1] ?? "", value: outputs[2] ?? "" }
      : { packed: outputs[1] ?? "" },
  };
}

/** The plain ops for one MultiHeadAttention / Attention node (see the header). */
export function emitMha(
  e: Emitter,
  spec: MhaSpec,
  options: { bias?: boolean; attentions?: boolean },
): void {
  const { heads: N, headDim: H, layer } = spec;
  const width = N * H;
  // A float16 node keeps its projections, bias, cache and output in float16 and computes
  // scores, masks, softmax and the weighted sum in float32 between them (the output
  // rounded to float16 once). On a float32 node both casts are nothing.
  const float16 = spec.type !== DataType.FLOAT;
  const widen = (x: string) => (float16 ? e.op("Cast", [x], { to: DataType.FLOAT }) : x);
  const narrow = (x: string) => (float16 ? e.op("Cast", [x], { to: spec.type }) : x);
  const ints = (values: number[]) => e.int64(values);
  const scalar = (value: number) => e.int64([value], []);
  const slice = (x: string, from: number, to: number, along: number) =>
    e.op("Slice", [x, ints([from]), ints([to]), ints([along])]);
  const unsqueeze = (x: string, axes: number[]) => e.op("Unsqueeze", [x, ints(axes)]);

  let [q, k, v] =
    "query" in spec.projection
      ? [spec.projection.query, spec.projection.key, spec.projection.value]
      : ["", "", ""];
  if ("input" in spec.projection) {
    const qkv = e.op("MatMul", [spec.projection.input, spec.projection.weights]);
    [q, k, v] = [0, 1, 2].map((i) => slice(qkv, i * width, (i + 1) * width, 2)) as [
      string,
      string,
      string,
    ];
  }
  if (spec.qkvBias !== "") {
    const add = (x: string, i: number) =>
      e.op("Add", [x, slice(spec.qkvBias, i * width, (i + 1) * width, 0)]);
    [q, k, v] = [add(q, 0), add(k, 1), add(v, 2)];
  }
  // [B, S, N H] -> [B, N, S, H]
  const headsFirst = (x: string) =>
    e.op("Transpose", [e.op("Reshape", [x, ints([0, 0, N, H])])], { perm: [0, 2, 1, 3] });
  const [q4, k4, v4] = [headsFirst(q), headsFirst(k), headsFirst(v)];

  const past =
    "packed" in spec.past
      ? {
          key: e.op("Gather", [spec.past.packed, scalar(0)], { axis: 0 }),
          value: e.op("Gather", [spec.past.packed, scalar(1)], { axis: 0 }),
        }
      : spec.past;
  const concat = (pastName: string, fresh: string, outName: string) =>
    e.node("Concat", [pastName, fresh], {
      attributes: { axis: 2 },
      ...(outName ? { outputs: [outName] } : {}),
    })[0]!;
  const separate = "key" in spec.present ? spec.present : { key: "", value: "" };
  const presentKey = concat(past.key, k4, separate.key);
  const presentValue = concat(past.value, v4, separate.value);
  if ("packed" in spec.present && spec.present.packed !== "")
    e.node("Concat", [unsqueeze(presentKey, [0]), unsqueeze(presentValue, [0])], {
      attributes: { axis: 0 },
      outputs: [spec.present.packed],
    });

  const keysT = e.op("Transpose", [widen(presentKey)], { perm: [0, 1, 3, 2] });
  let scores = e.op("Mul", [e.op("MatMul", [widen(q4), keysT]), e.float([spec.scale], [])]);
  const [zero, filter] = [e.float([0], []), e.float([spec.maskFilter], [])];
  const total = e.op("Gather", [e.op("Shape", [presentKey]), scalar(2)], { axis: 0 });
  if (spec.causal) {
    // Key j is seen by token i iff j <= past + i, past = total - length: [length, total].
    const length = e.op("Gather", [e.op("Shape", [q4]), scalar(2)], { axis: 0 });
    const positions = e.op("Add", [
      e.op("Range", [scalar(0), length, scalar(1)]),
      e.op("Sub", [total, length]),
    ]);
    const keyIndex = unsqueeze(e.op("Range", [scalar(0), total, scalar(1)]), [0]);
    const seen = e.op("LessOrEqual", [keyIndex, unsqueeze(positions, [1])]);
    scores = e.op("Add", [scores, e.op("Where", [seen, zero, filter])]);
  }
  if (spec.keyPadding !== "") {
    // [B, total] 0/1 -> [B, 1, 1, total] additive.
    const kept = e.op("Greater", [
      e.op("Cast", [spec.keyPadding], { to: DataType.INT64 }),
      scalar(0),
    ]);
    scores = e.op("Add", [scores, unsqueeze(e.op("Where", [kept, zero, filter]), [1, 2])]);
  }
  if (spec.attentionBias !== "") scores = e.op("Add", [scores, widen(spec.attentionBias)]);
  if (options.bias) scores = e.op("Add", [scores, attentionBias(layer)]);
  const probabilities = e.op("Softmax", [scores], { axis: -1 });
  if (options.attentions) e.node("Identity", [probabilities], { outputs: [attentions(layer)] });

  const context = narrow(e.op("MatMul", [probabilities, widen(presentValue)]));
  const merged = e.op("Transpose", [context], { perm: [0, 2, 1, 3] });
  e.node("Reshape", [merged, ints([0, 0, width])], { outputs: [spec.output] });
}
