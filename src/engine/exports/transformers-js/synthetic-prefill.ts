/**
 * Support for the decoder-level tests (entry-decoders, gqa-decoder, mha-decoder) and
 * scripts/measurements/layer-entry-third-party.ts: a synthetic prompt's prefill input (the
 * prefix's embeddings, then an image block's) and the cache one batch-1 decoder run over
 * it leaves, which the ablation runner's clean and baseline caches are made from.
 */
import type { KvCache } from "../../model/kv";
import type { VlmSession } from "../../model/session";

/** `prefix`'s embeddings followed by `image`'s, as one prefill's input. */
export function prefixThenImage(prefix: Float32Array, image: Float32Array): Float32Array {
  const out = new Float32Array(prefix.length + image.length);
  out.set(prefix);
  out.set(image, prefix.length);
  return out;
}

/** The cache after one batch-1 run over `length` tokens of `embeds` (last logits only). */
export async function prefillCache(
  session: Pick<VlmSession, "decode">,
  embeds: Float32Array,
  length: number,
): Promise<KvCache> {
  const result = await session.decode({
    embeds,
    batch: 1,
    length,
    wantPresent: true,
    logits: "last",
  });
  return result.present!;
}
