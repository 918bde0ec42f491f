/**
 * The once-per-image part of every analysis: the key/values of prefix + image, and the
 * embeddings of the text after the image. Everything an ablation changes lies after the
 * image (image tokens never attend to later text), so this is computed once and reused.
 */
import type { ImageLayout } from "./image-layout";
import type { KvCache } from "./kv";
import type { VlmSession } from "./session";
import type { Prompt } from "./tokenize";

export interface Prefilled {
  prompt: Prompt;
  /** Key/values of positions [0, prompt.imageEnd), batch 1. */
  cache: KvCache;
  /** `[1, suffixLength, hiddenSize]` embeddings of the tokens after the image. */
  suffixEmbeds: Float32Array;
  suffixLength: number;
  /**
   * `[1, imageEnd, hiddenSize]` embeddings of prefix + image, when the prefill made them
   * from a processor's output (third-party exports: the image block may hold tokens
   * between tiles, so it is not one encodeImage call); reruns of those positions use them.
   */
  blockEmbeds?: Float32Array;
  /**
   * Where each image-block position lies on the image (image-layout.ts), when the block is
   * not one patch grid of the manifest's size: a processor's tiles, an image_newline, a
   * grid sized to the image. A string says why no layout could be derived. Absent: the
   * identity layout over the manifest's grid.
   */
  imageLayout?: ImageLayout | string;
}

/**
 * Key/values of prefix + image for `count` images at once (`pixelValues` holds `count`
 * normalised images back to back). The prefix is the same for every image.
 */
export async function prefillImages(
  session: VlmSession,
  prompt: Prompt,
  pixelValues: Float32Array,
  count: number,
): Promise<KvCache> {
  const { hiddenSize, imageTokens } = session.dims;
  const prefixIds = prompt.ids.slice(0, prompt.imageStart);
  const prefix = prefixIds.length > 0 ? await session.embed(prefixIds) : new Float32Array(0);
  const features = await session.encodeImage(pixelValues, count);
  const length = prompt.imageEnd;
  const embeds = new Float32Array(count * length * hiddenSize);
  const imageSize = imageTokens * hiddenSize;
  for (let b = 0; b < count; b++) {
    embeds.set(prefix, b * length * hiddenSize);
    embeds.set(
      features.subarray(b * imageSize, (b + 1) * imageSize),
      (b * length + prompt.imageStart) * hiddenSize,
    );
  }
  const { present } = await session.decode({
    embeds,
    batch: count,
    length,
    wantPresent: true,
    logits: "last",
  });
  return present!;
}

/** Prefill of one image plus the suffix embeddings: the starting point of all ablations. */
export async function prefill(
  session: VlmSession,
  prompt: Prompt,
  pixelValues: Float32Array,
): Promise<Prefilled> {
  const cache = await prefillImages(session, prompt, pixelValues, 1);
  const suffixIds = prompt.ids.slice(prompt.imageEnd);
  const suffixEmbeds = await session.embed(suffixIds);
  return { prompt, cache, suffixEmbeds, suffixLength: suffixIds.length };
}
