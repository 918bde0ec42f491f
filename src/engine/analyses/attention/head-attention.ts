/**
 * One head's attention from the final prompt token over the image patches, in the clean
 * run: what the head detail draws over the image. The same row the attention-weight
 * ranking (rankings.ts `attentionToImage`) sums into one number per head.
 */
import type { Prefilled } from "../../model/prefill";

/** Final-token attention of head (layer, head) over the image positions, patch-major. */
export function finalTokenImageAttention(
  attentions: readonly Float32Array[],
  prefilled: Prefilled,
  layer: number,
  head: number,
): Float64Array {
  const { imageStart, imageEnd } = prefilled.prompt;
  const length = prefilled.suffixLength;
  const total = prefilled.cache.length + length;
  const row = (head * length + length - 1) * total;
  const layerAttention = attentions[layer];
  if (layerAttention === undefined) throw new Error(`layer ${layer} does not exist`);
  return Float64Array.from({ length: imageEnd - imageStart }, (_, patch) => {
    return layerAttention[row + imageStart + patch]!;
  });
}
