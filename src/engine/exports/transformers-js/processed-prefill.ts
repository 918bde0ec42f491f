/**
 * Prefill for third-party exports: the processor's ids and pixels -> the key/values of
 * everything up to the end of the image block, and the embeddings of the text after it.
 *
 * The image block runs from the first to the last image token. For Idefics3/SmolVLM it
 * also holds the `<fake_token_around_image>`, `<row_r_col_c>` and newline tokens between
 * tiles: their key/values are computed from the image tokens before them, so they carry
 * image information and are ablated with the image (the baseline supplies them too).
 */
import { HeadflowError } from "../../errors";
import type { Prefilled } from "../../model/prefill";
import type { Prompt } from "../../model/tokenize";
import type { ProcessedInputs } from "./processor";
import type { ThirdPartySession } from "./export-session";

/** `[first image token, last image token + 1)`. */
export function imageBlock(ids: readonly number[], imageTokenId: number): [number, number] {
  const start = ids.indexOf(imageTokenId);
  if (start < 0) {
    throw new HeadflowError(
      "bad-model",
      `the processor's prompt holds no image token (id ${imageTokenId}): the chat template or config.json does not match this export`,
    );
  }
  return [start, ids.lastIndexOf(imageTokenId) + 1];
}

/** Embeddings of ids[0, end) with the image features scattered onto the image tokens. */
async function mergedEmbeds(
  session: ThirdPartySession,
  inputs: ProcessedInputs,
  imageTokenId: number,
  end: number,
): Promise<Float32Array> {
  const { hiddenSize } = session.dims;
  const ids = inputs.ids.slice(0, end);
  const embeds = await session.embed(ids);
  const features = await session.encodeVision(inputs);
  const positions = ids.flatMap((id, at) => (id === imageTokenId ? [at] : []));
  // transformers.js' default_merge_input_ids_with_features checks the same count.
  if (positions.length * hiddenSize !== features.length) {
    throw new HeadflowError(
      "bad-model",
      `image tokens and image features do not match: ${positions.length} tokens, ${features.length / hiddenSize} features`,
    );
  }
  positions.forEach((at, i) =>
    embeds.set(features.subarray(i * hiddenSize, (i + 1) * hiddenSize), at * hiddenSize),
  );
  return embeds;
}

export async function prefillProcessed(
  session: ThirdPartySession,
  inputs: ProcessedInputs,
  imageTokenId: number,
  prompt: Omit<Prompt, "imageStart" | "imageEnd" | "ids">,
): Promise<Prefilled> {
  const [start, end] = imageBlock(inputs.ids, imageTokenId);
  // Qwen2-VL family: this prompt's rotary positions for its prefill and every later run.
  if (inputs.rope) session.useRope(inputs.rope);
  const embeds = await mergedEmbeds(session, inputs, imageTokenId, end);
  const { present } = await session.decode({
    embeds,
    batch: 1,
    length: end,
    wantPresent: true,
    logits: "last",
  });
  const suffixIds = inputs.ids.slice(end);
  if (suffixIds.length === 0) {
    throw new HeadflowError("bad-model", "the chat template puts no text after the image");
  }
  return {
    prompt: { ...prompt, ids: inputs.ids, imageStart: start, imageEnd: end },
    cache: present!,
    suffixEmbeds: await session.embed(suffixIds),
    suffixLength: suffixIds.length,
    blockEmbeds: embeds,
  };
}
