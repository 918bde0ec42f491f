/**
 * The decoder graph a third-party export is opened with. Exports written by
 * onnxruntime-genai's model builder use onnxruntime's GroupQueryAttention, which refuses
 * a batch > 1 when several tokens follow a past cache: exactly the batched suffix runs of
 * ablation and attribution. Such a decoder, and one with onnxruntime's MultiHeadAttention
 * or Attention ops (optimizer fusions: no bias input, no probabilities out), is rewritten
 * into plain attention ops (../../model/graph/unfuse-attention.ts) before its session
 * opens. Either way the graph
 * gets the attention interface the attention-level analyses need (
 * `attention_bias.{l}` inputs, `attentions.{l}` outputs; ../../model/graph/attention-io.ts):
 * from the rewrite, or, for attention already written as MatMul/Softmax, by adding them at
 * each layer's Softmax (softmax-attention.ts). The rewritten graph's geometry is checked
 * against config.json.
 */
import { HeadflowError, errorMessage } from "../../errors";
import { exposeSoftmaxAttention } from "../../model/graph/softmax-attention";
import {
  FUSED_ATTENTION,
  hasFusedAttention,
  unfuseAttention,
} from "../../model/graph/unfuse-attention";
import { quantiseRowsOf } from "../../model/graph/row-quantisation";
import type { ThirdPartyManifest } from "./config";

export interface AnalysableDecoder {
  /** The graph to open: rewritten, or the export's own. */
  bytes: Uint8Array;
  rewritten: boolean;
  /** Why a fused-attention decoder was not rewritten (it then runs as exported). */
  refusal: string | null;
  /**
   * Why the graph has no attention interface (attention-level analyses unavailable), or
   * null when it has `attention_bias.{l}` and `attentions.{l}`.
   */
  attentionRefusal: string | null;
}

const INTERFACE = { bias: true, attentions: true } as const;

const encode = (text: string) => new TextEncoder().encode(text);
const GQA = encode("GroupQueryAttention");
const DYNAMIC_QUANTISATION = encode("DynamicQuantizeLinear");
const OTHER_FUSED = FUSED_ATTENTION.filter((op) => op !== "GroupQueryAttention").map(encode);

/** Whether `bytes` contains `needle` (a cheap test before parsing the whole model). */
export function containsBytes(bytes: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0]!;
  const last = bytes.length - needle.length;
  for (let i = bytes.indexOf(first); i >= 0 && i <= last; i = bytes.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && bytes[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

export function analysableDecoder(
  exported: Uint8Array,
  tp: Pick<ThirdPartyManifest, "layers" | "queryHeads" | "kvHeads" | "headDim">,
): AnalysableDecoder {
  // Dynamically quantised decoders (quantize_dynamic's q8 / int8 / uint8) quantise each
  // activation over the whole batch: made per row first, so that batch rows stay
  // independent (../../model/graph/row-quantisation.ts). When that cannot be done,
  // batched runs after a past are refused, as for fused attention that is not rewritten.
  let bytes = exported;
  let rowRefusal: string | null = null;
  if (containsBytes(bytes, DYNAMIC_QUANTISATION)) {
    try {
      bytes = quantiseRowsOf(bytes);
    } catch (error) {
      if (!(error instanceof HeadflowError)) throw error;
      rowRefusal = errorMessage(error);
    }
  }
  const result = attentionRewritten(bytes, tp);
  return rowRefusal !== null && result.refusal === null
    ? { ...result, refusal: rowRefusal }
    : result;
}

function attentionRewritten(
  bytes: Uint8Array,
  tp: Pick<ThirdPartyManifest, "layers" | "queryHeads" | "kvHeads" | "headDim">,
): AnalysableDecoder {
  if (!containsBytes(bytes, GQA) && !hasOtherFused(bytes)) return withSoftmaxAttention(bytes);
  let unfused: ReturnType<typeof unfuseAttention>;
  try {
    unfused = unfuseAttention(bytes, INTERFACE);
  } catch (error) {
    if (!(error instanceof HeadflowError)) throw error;
    const refusal = errorMessage(error);
    return { bytes, rewritten: false, refusal, attentionRefusal: refusal };
  }
  const { layers } = unfused;
  const wrong = layers.findIndex(
    (l) => l.heads !== tp.queryHeads || l.kvHeads !== tp.kvHeads || l.headDim !== tp.headDim,
  );
  if (layers.length !== tp.layers || wrong >= 0) {
    const found = layers[Math.max(wrong, 0)]!;
    throw new HeadflowError(
      "bad-model",
      `the decoder's attention (${layers.length} layers, ${found.heads} query heads, ${found.kvHeads} key/value heads of size ${found.headDim}) does not match config.json (${tp.layers} layers, ${tp.queryHeads} query heads, ${tp.kvHeads} key/value heads of size ${tp.headDim})`,
    );
  }
  return { bytes: unfused.bytes, rewritten: true, refusal: null, attentionRefusal: null };
}

/** Whether the graph has MultiHeadAttention / Attention nodes (com.microsoft). */
function hasOtherFused(bytes: Uint8Array): boolean {
  // "Attention" is a substring of many names: a cheap pre-test only, the parse decides.
  if (!OTHER_FUSED.some((op) => containsBytes(bytes, op))) return false;
  return hasFusedAttention(bytes);
}

/** A decoder without fused attention: its Softmax attention gets the interface. */
function withSoftmaxAttention(bytes: Uint8Array): AnalysableDecoder {
  const asIs = (attentionRefusal: string) => ({
    bytes,
    rewritten: false,
    refusal: null,
    attentionRefusal,
  });
  try {
    const exposed = exposeSoftmaxAttention(bytes, INTERFACE);
    return { bytes: exposed.bytes, rewritten: true, refusal: null, attentionRefusal: null };
  } catch (error) {
    if (!(error instanceof HeadflowError)) throw error;
    return asIs(errorMessage(error));
  }
}
