/**
 * Head rankings for the evaluation (docs/PAPER.md, "Evaluation"): the order in which a
 * method would pick heads, from a per-head score (attribution, attention weight,
 * single-head ablation effect), or a seeded random order as the floor to beat.
 */
import type { EvaluateMasks } from "../../attribution/attribute-heads";
import { maskOf } from "../../attribution/masks";
import { cleanAttentions } from "../attention/clean-attentions";
import type { Prefilled } from "../../model/prefill";
import { mulberry32 } from "../../math/random";
import type { VlmSession } from "../../model/session";

export const RANKING_METHODS = ["attribution", "attention", "single-head", "random"] as const;
export type RankingMethod = (typeof RANKING_METHODS)[number];

/**
 * Flat head indices, highest score first. Ties keep the lower index first and NaN scores
 * go last, so an order is fully determined by its scores.
 */
export function orderByScore(scores: ArrayLike<number>): number[] {
  const key = (i: number) => (Number.isNaN(scores[i]!) ? -Infinity : scores[i]!);
  return Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => key(b) - key(a) || a - b,
  );
}

/** A uniformly random order of `size` heads (Fisher-Yates on mulberry32(seed)). */
export function randomOrder(size: number, seed: number): number[] {
  const random = mulberry32(seed);
  const order = Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * Single-head ablation effect of every head: the target's drop when only that head is
 * ablated (clean - ablated), layer-major. One batch of `size + 1` masks (row 0 clean).
 */
export async function singleHeadEffects(
  evaluate: EvaluateMasks,
  size: number,
): Promise<{ clean: number; effects: Float64Array }> {
  const masks = new Uint8Array((size + 1) * size);
  for (let h = 0; h < size; h++) masks.set(maskOf(size, [h]), (h + 1) * size);
  const targets = await evaluate(masks, size + 1);
  const clean = targets[0]!;
  return { clean, effects: Float64Array.from({ length: size }, (_, h) => clean - targets[h + 1]!) };
}

/**
 * Attention weight of every head (layer-major): the attention mass the final prompt
 * token puts on the image tokens (summed over image positions), in the clean run. This
 * is the "attention weight" baseline of the paper (the clean run's attentions:
 * clean-attentions.ts).
 */
export async function attentionToImage(
  session: VlmSession,
  prefilled: Prefilled,
): Promise<Float64Array> {
  const { layers, heads } = session.dims;
  const { imageStart, imageEnd } = prefilled.prompt;
  const length = prefilled.suffixLength;
  const total = prefilled.cache.length + length;
  const attentions = await cleanAttentions(session, prefilled);
  const scores = new Float64Array(layers * heads);
  for (let l = 0; l < layers; l++) {
    for (let h = 0; h < heads; h++) {
      const row = (h * length + length - 1) * total;
      let mass = 0;
      for (let s = imageStart; s < imageEnd; s++) mass += attentions[l]![row + s]!;
      scores[l * heads + h] = mass;
    }
  }
  return scores;
}
