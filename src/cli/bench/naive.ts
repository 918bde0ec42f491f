/**
 * The naive way to evaluate ablation masks, the benchmark's baseline: for every mask, one
 * at a time, run the vision encoder and the whole sequence again (prefix + image, then the
 * text after it reading the substituted key/values). Same runtime, same graphs, same
 * substitution and the same logits as the engine's path; only reuse and batching differ.
 * The baseline's key/values are computed once, as anyone would.
 */
import {
  AblatedCacheBuilder,
  prefillImages,
  type ImageKv,
  type Prompt,
  type VlmSession,
} from "../../engine";

export async function naiveMaskLogits(
  session: VlmSession,
  prompt: Prompt,
  pixelValues: Float32Array,
  baseline: ImageKv,
  masks: Uint8Array,
  count: number,
): Promise<Float32Array> {
  const { layers, heads, vocabSize } = session.dims;
  const size = layers * heads;
  const out = new Float32Array(count * vocabSize);
  const suffixIds = prompt.ids.slice(prompt.imageEnd);
  for (let i = 0; i < count; i++) {
    const cache = await prefillImages(session, prompt, pixelValues, 1);
    const past = new AblatedCacheBuilder(cache, baseline, prompt.imageStart).build(
      masks.subarray(i * size, (i + 1) * size),
      1,
    );
    const { logits } = await session.decode({
      embeds: await session.embed(suffixIds),
      batch: 1,
      length: suffixIds.length,
      past,
      logits: "last",
    });
    out.set(logits, i * vocabSize);
  }
  return out;
}
