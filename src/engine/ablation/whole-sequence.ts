/**
 * An independent, whole-sequence computation of head ablation, for tests and checks: one
 * forward pass of the analysis graph (no cache reuse) over
 *
 *     prefix | image | baseline image | text after the image
 *
 * where the baseline copy gets the image's position ids and attention biases route every
 * text token, per layer and head, to either the image's or the baseline's key/values.
 * The baseline copy reads only the prefix and itself, so its key/values are exactly those
 * a baseline image produces; the substitution thus happens inside attention, as the
 * paper defines it, without sharing any code with the cache-splicing path in ablation.ts.
 * (A `mean` baseline is not an image, so it has no such form; tests use blank or image.)
 */
import type { VlmSession } from "../model/session";
import type { Prompt } from "../model/tokenize";

const BLOCKED = -1e9;

export async function wholeSequenceAblation(
  session: VlmSession,
  prompt: Prompt,
  pixelValues: Float32Array,
  baselinePixelValues: Float32Array,
  masks: Uint8Array[],
): Promise<Float32Array> {
  const { layers, heads, hiddenSize: d, imageTokens: n } = session.dims;
  const { imageStart: start, imageEnd: end } = prompt;
  const prefixIds = prompt.ids.slice(0, start);
  const suffixIds = prompt.ids.slice(end);
  const total = start + 2 * n + suffixIds.length;
  const features = await session.encodeImage(pixelValues, 1);
  const baselineFeatures = await session.encodeImage(baselinePixelValues, 1);
  const one = new Float32Array(total * d);
  if (prefixIds.length > 0) one.set(await session.embed(prefixIds), 0);
  one.set(features, start * d);
  one.set(baselineFeatures, (start + n) * d);
  one.set(await session.embed(suffixIds), (start + 2 * n) * d);
  const positions = [
    ...Array.from({ length: end }, (_, i) => i),
    ...Array.from({ length: n }, (_, i) => start + i),
    ...Array.from({ length: suffixIds.length }, (_, i) => end + i),
  ];

  const batch = masks.length;
  const embeds = new Float32Array(batch * one.length);
  for (let b = 0; b < batch; b++) embeds.set(one, b * one.length);
  const image = [start, end] as const;
  const copy = [end, end + n] as const;
  const bias = Array.from({ length: layers }, (_, l) => {
    const out = new Float32Array(batch * heads * total * total);
    const block = (
      b: number,
      h: number,
      rows: readonly [number, number],
      cols: readonly [number, number],
    ) => {
      for (let q = rows[0]; q < rows[1]; q++) {
        const at = ((b * heads + h) * total + q) * total;
        out.fill(BLOCKED, at + cols[0], at + cols[1]);
      }
    };
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < heads; h++) {
        block(b, h, copy, image); // the baseline copy never sees the real image
        const ablated = masks[b]![l * heads + h] === 1;
        block(b, h, [end + n, total], ablated ? image : copy);
      }
    }
    return out;
  });
  const { logits } = await session.decodeAnalysis({
    embeds,
    batch,
    length: total,
    positions,
    bias,
    logits: "last",
  });
  return logits;
}
