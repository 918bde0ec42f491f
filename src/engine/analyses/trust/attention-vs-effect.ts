/**
 * Attention weight against causal effect, head by head: the paper's caution that a head
 * which looks hard at the image need not matter for the answer, made checkable. Each head
 * is a point (its final-token -> image attention mass, its attribution score); the two
 * are compared by Pearson's r and Spearman's rho, and the heads on which they disagree
 * most are named.
 *
 * Outlier rule (rank difference): with rank 1 the highest value, a head's gap is
 * effectRank - attentionRank. A gap of at least a quarter of the heads marks a head that
 * attends much but matters little (gap > 0) or matters much but attends little (gap < 0);
 * each list keeps the `listed` largest gaps. Ranks rather than raw values, because the
 * two scores live on unrelated scales (a probability mass, a change of a logit).
 */
import { formatHead } from "../../ablation/heads";
import { HeadflowError } from "../../errors";
import { pearson } from "../../math/stats";
import type { AttributionResult } from "../../results/attribution-results";
import { averageRanks, correlationOrNull, spearman } from "./ranks";

export const ATTENTION_EFFECT_SCHEMA = "headflow.attention-effect/1";

/** How many outliers each list names at most (the UI's default). */
export const DEFAULT_LISTED_OUTLIERS = 5;

export interface AttentionEffectPoint {
  /** `L.H`, 0-based. */
  name: string;
  layer: number;
  head: number;
  attention: number;
  effect: number;
  attentionRank: number;
  effectRank: number;
  /** effectRank - attentionRank: > 0 attends more than it matters. */
  rankGap: number;
}

export interface AttentionEffect {
  schema: typeof ATTENTION_EFFECT_SCHEMA;
  model: string;
  image: string;
  question: string;
  answer: string;
  baseline: string;
  target: string;
  layers: number;
  heads: number;
  points: AttentionEffectPoint[];
  pearson: number | null;
  spearman: number | null;
  rule: { minRankGap: number; listed: number };
  /** Heads named by the rule, largest gap first. */
  attendsMuchMattersLittle: string[];
  mattersMuchAttendsLittle: string[];
}

/** The smallest rank gap counted as a disagreement: a quarter of the heads (at least 1). */
export function minRankGap(size: number): number {
  return Math.max(1, Math.ceil(size / 4));
}

export function attentionVsEffect(
  attribution: Pick<
    AttributionResult,
    | "layers"
    | "heads"
    | "scores"
    | "model"
    | "image"
    | "question"
    | "answer"
    | "baseline"
    | "target"
  >,
  attention: ArrayLike<number>,
  listed = DEFAULT_LISTED_OUTLIERS,
): AttentionEffect {
  const { layers, heads } = attribution;
  const size = layers * heads;
  if (attention.length !== size) {
    throw new HeadflowError(
      "bad-argument",
      `the attention weights have ${attention.length} values; a ${layers} x ${heads} attribution needs ${size}`,
    );
  }
  if (!Number.isInteger(listed) || listed < 0) {
    throw new HeadflowError("bad-argument", `the outlier count must be a whole number >= 0`);
  }
  const effects = Float64Array.from(attribution.scores.flat());
  const attentionRanks = averageRanks(attention, "attention weights");
  const effectRanks = averageRanks(effects, "attribution scores");
  const points: AttentionEffectPoint[] = Array.from({ length: size }, (_, i) => {
    const layer = Math.floor(i / heads);
    const head = i % heads;
    return {
      name: formatHead({ layer, head }),
      layer,
      head,
      attention: attention[i]!,
      effect: effects[i]!,
      attentionRank: attentionRanks[i]!,
      effectRank: effectRanks[i]!,
      rankGap: effectRanks[i]! - attentionRanks[i]!,
    };
  });
  const gap = minRankGap(size);
  const byGap = (sign: 1 | -1) =>
    points
      .filter((p) => sign * p.rankGap >= gap)
      // Largest gap first; equal gaps in layer-major order.
      .sort((a, b) => sign * (b.rankGap - a.rankGap) || a.layer - b.layer || a.head - b.head)
      .slice(0, listed)
      .map((p) => p.name);
  return {
    schema: ATTENTION_EFFECT_SCHEMA,
    model: attribution.model.id,
    image: attribution.image.name,
    question: attribution.question,
    answer: attribution.answer.token,
    baseline: attribution.baseline,
    target: attribution.target,
    layers,
    heads,
    points,
    pearson: correlationOrNull(pearson(attention, effects)),
    spearman: correlationOrNull(spearman(attention, effects)),
    rule: { minRankGap: gap, listed },
    attendsMuchMattersLittle: byGap(1),
    mattersMuchAttendsLittle: byGap(-1),
  };
}
