/**
 * The decoder graph a third-party export is opened with. Exports written by
 * onnxruntime-genai's model builder use onnxruntime's GroupQueryAttention, which refuses
 * a batch > 1 when several tokens follow a past cache: exactly the batched suffix runs of
 * ablation and attribution. Such a decoder is rewritten into plain attention ops
 * (../../model/graph/unfuse-attention.ts) before its session opens; any other decoder is
 * opened as it is. The rewritten graph's geometry is checked against config.json.
 */
import { HeadflowError, errorMessage } from "../../errors";
import { unfuseAttention } from "../../model/graph/unfuse-attention";
import type { ThirdPartyManifest } from "./config";

export interface AnalysableDecoder {
  /** The graph to open: rewritten, or the export's own. */
  bytes: Uint8Array;
  rewritten: boolean;
  /** Why a GroupQueryAttention decoder was not rewritten (it then runs as exported). */
  refusal: string | null;
}

const GQA = new TextEncoder().encode("GroupQueryAttention");

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
  if (!containsBytes(bytes, GQA)) return { bytes, rewritten: false, refusal: null };
  let unfused: ReturnType<typeof unfuseAttention>;
  try {
    unfused = unfuseAttention(bytes);
  } catch (error) {
    if (!(error instanceof HeadflowError)) throw error;
    return { bytes, rewritten: false, refusal: errorMessage(error) };
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
  return { bytes: unfused.bytes, rewritten: true, refusal: null };
}
