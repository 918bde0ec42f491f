/**
 * One head's attention from the final prompt token over the image patches, in the clean
 * run: what the head detail draws over the image. One analysis-graph run over the reused
 * prefix + image cache (as the engine's `attentionToImage`, which sums the same row).
 * Pure over the engine's model interface: tested in Node on the bundled model.
 */
import type { Prefilled, VlmSession } from "../engine";

/** Attentions of every head, `[layer][head * length * total]`, for one prompt. */
export async function cleanAttentions(
  session: VlmSession,
  prefilled: Prefilled,
): Promise<Float32Array[]> {
  const { attentions } = await session.decodeAnalysis({
    embeds: prefilled.suffixEmbeds,
    batch: 1,
    length: prefilled.suffixLength,
    past: prefilled.cache,
    logits: "last",
    wantAttentions: true,
  });
  if (!attentions) throw new Error("the analysis graph returned no attentions");
  return attentions;
}

/** Final-token attention of head (layer, head) over the image positions, patch-major. */
export function finalTokenImageAttention(
  attentions: Float32Array[],
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
