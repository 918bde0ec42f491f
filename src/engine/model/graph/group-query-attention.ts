/**
 * What a `com.microsoft` GroupQueryAttention node computes, read from its inputs and
 * attributes (onnxruntime's contrib-op schema, docs/ContribOperators.md; the CPU kernel
 * group_query_attention.cc / group_query_attention_helper.h for the semantics). Only
 * the forms the unfused rewrite reproduces exactly are accepted; anything else gets an
 * error that names the input or attribute.
 */
import { HeadflowError } from "../../errors";
import {
  DataType,
  floatAttribute,
  intAttribute,
  tensorDims,
  type NodeProto,
  type TensorProto,
} from "./onnx";

/** Input positions in the schema. */
const INPUT = {
  query: 0,
  key: 1,
  value: 2,
  pastKey: 3,
  pastValue: 4,
  seqlensK: 5,
  totalSequenceLength: 6,
  cosCache: 7,
  sinCache: 8,
} as const;
/** Inputs after sin_cache (position_ids, attention_bias, head_sink, quantisation scales, q/k norm weights). */
const LATER_INPUTS = [
  "position_ids",
  "attention_bias",
  "head_sink",
  "k_scale",
  "v_scale",
  "q_norm_weight",
  "k_norm_weight",
];
/** Attributes whose value the rewrite reproduces (others are refused when not default). */
const KNOWN = new Set([
  "num_heads",
  "kv_num_heads",
  "scale",
  "softcap",
  "local_window_size",
  "do_rotary",
  "rotary_interleaved",
  "smooth_softmax",
  "qk_output",
]);

export interface GqaSpec {
  node: NodeProto;
  heads: number;
  kvHeads: number;
  headDim: number;
  scale: number;
  /** 0: none; else scores become softcap * tanh(scores / softcap). */
  softcap: number;
  /** Q, K and V as separate inputs, or one packed `[B, S, (heads + 2 kvHeads) headDim]` input. */
  packed: boolean;
  query: string;
  key: string;
  value: string;
  pastKey: string;
  pastValue: string;
  seqlensK: string;
  /**
   * The ONNX element type the node computes in (its query, caches and output): float32,
   * or float16 in an fp16 / q4f16 export. The rewrite keeps the node's inputs, cache and
   * output in that type and computes attention in float32 between them, as the kernel.
   */
  type: number;
  /** With do_rotary: the cos/sin caches `[maxPositions, rotaryDim / 2]` and rotaryDim. */
  rotary: { cos: string; sin: string; dim: number } | null;
  output: string;
  presentKey: string;
  presentValue: string;
}

function refuse(node: NodeProto, what: string): never {
  throw new HeadflowError(
    "bad-model",
    `GroupQueryAttention node ${node.name ?? "(unnamed)"}: ${what}; HeadFlow cannot rewrite it into analysable attention`,
  );
}

const FLOAT_TYPES: readonly number[] = [DataType.FLOAT, DataType.FLOAT16];

/**
 * Reads a GroupQueryAttention node. `lastDim(name)` gives the last dimension of a tensor
 * when the graph states it (value_info or graph input), `initializer(name)` an
 * initialiser; both are needed to find the head size and the rotary dimension.
 * `elemType(name)` gives a tensor's stated element type (graph input or value_info), or
 * null: the node's type is read from its cos/sin caches, else its past or query.
 */
export function readGqa(
  node: NodeProto,
  initializer: (name: string) => TensorProto | undefined,
  lastDim: (name: string) => number | null,
  elemType: (name: string) => number | null = () => null,
): GqaSpec {
  const inputs = node.input ?? [];
  const outputs = node.output ?? [];
  const input = (i: number) => inputs[i] ?? "";
  for (const attr of node.attribute ?? []) {
    if (!KNOWN.has(attr.name ?? "")) refuse(node, `attribute ${attr.name} is not supported`);
  }
  LATER_INPUTS.forEach((name, i) => {
    if (input(9 + i) !== "") refuse(node, `input ${name} is not supported yet`);
  });
  if ((outputs[3] ?? "") !== "") refuse(node, "output output_qk is not supported yet");
  const heads = intAttribute(node, "num_heads", 0);
  const kvHeads = intAttribute(node, "kv_num_heads", 0);
  if (heads <= 0 || kvHeads <= 0 || heads % kvHeads !== 0)
    refuse(node, `num_heads ${heads} is not a multiple of kv_num_heads ${kvHeads}`);
  const window = intAttribute(node, "local_window_size", -1);
  if (window >= 0) refuse(node, `local_window_size ${window} (sliding-window attention)`);
  if (intAttribute(node, "rotary_interleaved", 0) !== 0)
    refuse(node, "rotary_interleaved=1 is not supported yet");
  if (intAttribute(node, "smooth_softmax", 0) !== 0) refuse(node, "smooth_softmax=1");
  if (intAttribute(node, "qk_output", 0) !== 0) refuse(node, "qk_output is set");
  if (input(INPUT.seqlensK) === "") refuse(node, "input seqlens_k is missing");
  const packed = input(INPUT.key) === "" && input(INPUT.value) === "";
  if (!packed && (input(INPUT.key) === "" || input(INPUT.value) === ""))
    refuse(node, "only one of key and value is given");
  if ((input(INPUT.pastKey) === "") !== (input(INPUT.pastValue) === ""))
    refuse(node, "only one of past_key and past_value is given");

  // The head size: the past cache's last dimension (a graph input, always shaped in
  // transformers.js exports), else the query's width when the graph states it.
  const queryWidth = lastDim(input(INPUT.query));
  const perQuery = packed ? heads + 2 * kvHeads : heads;
  const headDim =
    (input(INPUT.pastKey) !== "" ? lastDim(input(INPUT.pastKey)) : null) ??
    (queryWidth === null ? null : queryWidth / perQuery);
  if (headDim === null) refuse(node, "its head size is not stated in the graph");
  if (!Number.isInteger(headDim) || (queryWidth !== null && queryWidth !== headDim * perQuery))
    refuse(node, `query width ${queryWidth} does not split into heads of size ${headDim}`);

  let rotary: GqaSpec["rotary"] = null;
  if (intAttribute(node, "do_rotary", 0) !== 0) {
    const cos = initializer(input(INPUT.cosCache));
    const sin = initializer(input(INPUT.sinCache));
    if (!cos || !sin) refuse(node, "do_rotary=1 needs cos_cache and sin_cache initialisers");
    const [cosDims, sinDims] = [tensorDims(cos), tensorDims(sin)];
    // The kernel takes the caches in the query's type (T: float32 or float16).
    if (!FLOAT_TYPES.includes(cos.data_type ?? 0) || sin.data_type !== cos.data_type)
      refuse(
        node,
        `cos_cache / sin_cache have ONNX types ${cos.data_type} / ${sin.data_type} (float32 or float16 expected)`,
      );
    if (cosDims.length !== 2 || cosDims.join() !== sinDims.join())
      refuse(node, `cos_cache ${cosDims.join("x")} and sin_cache ${sinDims.join("x")} differ`);
    const dim = 2 * cosDims[1]!;
    if (dim > headDim) refuse(node, `rotary dimension ${dim} exceeds the head size ${headDim}`);
    rotary = { cos: input(INPUT.cosCache), sin: input(INPUT.sinCache), dim };
  }
  // The computing type: the caches' (rotary), else the past's or the query's when stated.
  const type =
    (rotary ? initializer(rotary.cos)?.data_type : null) ??
    (input(INPUT.pastKey) !== "" ? elemType(input(INPUT.pastKey)) : null) ??
    elemType(input(INPUT.query));
  if (type === null || type === undefined)
    refuse(node, "its element type (float32 or float16) is not stated in the graph");
  if (!FLOAT_TYPES.includes(type))
    refuse(node, `it computes in ONNX type ${type} (float32 or float16 expected)`);
  const scale = floatAttribute(node, "scale", 0);
  return {
    node,
    type,
    heads,
    kvHeads,
    headDim,
    // The kernel's default: 0 means 1 / sqrt(head size).
    scale: scale === 0 ? 1 / Math.sqrt(headDim) : scale,
    softcap: floatAttribute(node, "softcap", 0),
    packed,
    query: input(INPUT.query),
    key: input(INPUT.key),
    value: input(INPUT.value),
    pastKey: input(INPUT.pastKey),
    pastValue: input(INPUT.pastValue),
    seqlensK: input(INPUT.seqlensK),
    rotary,
    output: outputs[0] ?? "",
    presentKey: outputs[1] ?? "",
    presentValue: outputs[2] ?? "",
  };
}
