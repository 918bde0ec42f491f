/** The trust views' engine: attention vs effect, baseline sensitivity, comparisons. */
export { averageRanks, spearman, topK, topKOverlap } from "./ranks";
export {
  ATTENTION_EFFECT_SCHEMA,
  DEFAULT_LISTED_OUTLIERS,
  attentionVsEffect,
  minRankGap,
} from "./attention-vs-effect";
export type { AttentionEffect, AttentionEffectPoint } from "./attention-vs-effect";
export { MAX_BASELINES, baselineMismatch } from "./baseline-match";
export { DEFAULT_TOP_K, compareBaselines, defaultTopK } from "./baseline-sensitivity";
export { baselineSensitivity } from "./baseline-sensitivity-image";
export type { BaselineSensitivityOptions } from "./baseline-sensitivity-image";
export { compareResults, compareSide, relativeDepth } from "./compare";
export type { ComparedInput } from "./compare";
export {
  BASELINES_SCHEMA,
  COMPARE_SCHEMA,
  BaselinesResultSchema,
  CompareResultSchema,
  parseBaselinesResult,
  parseCompareResult,
} from "./trust-results";
export type { BaselinesResult, CompareResult, CompareSide } from "./trust-results";
