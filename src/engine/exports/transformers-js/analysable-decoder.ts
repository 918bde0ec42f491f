/**
 * The decoder graph a third-party export is opened with. Exports written by
 * onnxruntime-genai's model builder use onnxruntime's GroupQueryAttention, which refuses
 * a batch > 1 when several tokens follow a past cache: exactly the batched suffix runs of
 * ablation and attribution. Such a decoder is rewritten into plain attention ops
 * (../../model/graph/unfuse-attention.ts) before its session opens. Either way the graph
 * gets the attention interface the attention-level analyses need (
 * `attention_bias.{l}` inputs, `attentions.{l}` outputs; ../../model/graph/attention-io.ts):
 * from the rewrite, or, for attention already written as MatMul/Softmax, by adding them at
 * each layer's Softmax (softmax-attention.ts). The rewritten graph's geometry is checked
 * against config.json.
 */
import { HeadflowError, errorMessage } from "../../errors";
import { decodeModel } from "../../model/graph/onnx";
import { exposeSoftmaxAttention } from "../../model/graph/softmax-attention";
import { FUSED_ATTENTION, unfuseAttention } from "../../model/graph/unfuse-attention";
import type { ThirdPartyManifest } from "./config";

export interface AnalysableDecoder {
  /** The graph to open: rewritten, or the export's own. */
  bytes: Uint8Array;
  rewritten: boolean;
  /** Why a GroupQueryAttention decoder was not rewritten (it then runs as exported). */
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
  bytes: Uint8Array,
  tp: Pick<ThirdPartyManifest, "layers" | "queryHeads" | "kvHeads" | "headDim">,
): AnalysableDecoder {
  if (!containsBytes(bytes, GQA)) return withSoftmaxAttention(bytes);
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

/** A decoder without GroupQueryAttention: its Softmax attention gets the interface. */
function withSoftmaxAttention(bytes: Uint8Array): AnalysableDecoder {
  const asIs = (attentionRefusal: string) => ({
    bytes,
    rewritten: false,
    refusal: null,
    attentionRefusal,
  });
  // "Attention" is a substring of the others: a cheap pre-test only, the parse decides.
  if (OTHER_FUSED.some((op) => containsBytes(bytes, op))) {
    const fused = FUSED_ATTENTION.find((op) =>
      decodeModel(bytes).graph?.node?.some((n) => n.domain === "com.microsoft" && n.op_type === op),
    );
    if (fused)
      return asIs(
        `the decoder's fused ${fused} attention is not rewritten yet (only GroupQueryAttention and plain MatMul/Softmax attention are)`,
      );
  }
  try {
    const exposed = exposeSoftmaxAttention(bytes, INTERFACE);
    return { bytes: exposed.bytes, rewritten: true, refusal: null, attentionRefusal: null };
  } catch (error) {
    if (!(error instanceof HeadflowError)) throw error;
    return asIs(errorMessage(error));
  }
}
