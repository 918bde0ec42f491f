/**
 * Every head's attention weights in the clean run (no head ablated): one analysis-graph
 * run of the text after the image over the reused prefix + image cache. The attention
 * maps (head detail, token flow) and the attention-weight ranking all read these rows.
 */
import type { Prefilled } from "../../model/prefill";
import type { VlmSession } from "../../model/session";

/**
 * `[layer]` of `[1, heads, suffixLength, cached + suffixLength]` weights, flattened: the
 * row of head h and query q starts at `(h * suffixLength + q) * (cached + suffixLength)`.
 */
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
