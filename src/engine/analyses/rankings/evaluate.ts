/**
 * The evaluation of head rankings (docs/PAPER.md, "Evaluation"): rank heads by
 * attribution, attention weight, single-head ablation effect and at random (several
 * seeds); faithfulness(k) and completeness(k) for k = 0..all heads for each; and the
 * smallest k that reaches `level` (0.8) for each. Every mask run goes through one
 * EvaluateMasks function, i.e. the batched AblationRunner in the real engine.
 */
import {
  attributeHeads,
  DEFAULT_ATTRIBUTION,
  type AttributionProgress,
  type AttributionRun,
  type AttributionSettings,
  type EvaluateMasks,
} from "../../attribution/attribute-heads";
import { HeadflowError } from "../../errors";
import { rankingCurves, smallestKReaching, type RankingCurves } from "./faithfulness";
import { orderByScore, randomOrder, singleHeadEffects, type RankingMethod } from "./rankings";

export interface EvaluateSettings {
  attribution: AttributionSettings;
  /** Number of random rankings; their seeds are randomSeed, randomSeed + 1, ... */
  randomRankings: number;
  randomSeed: number;
  /** The level faithfulness and completeness must reach (paper-style summary). */
  level: number;
}

/**
 * Defaults. Five random orders give the spread of the chance level without dominating
 * the run time (each ranking costs 2 (heads + 1) masks); 0.8 is the level.
 */
export const DEFAULT_EVALUATE: EvaluateSettings = {
  attribution: DEFAULT_ATTRIBUTION,
  randomRankings: 5,
  randomSeed: 1,
  level: 0.8,
};

export interface RankingEvaluation extends RankingCurves {
  method: RankingMethod;
  /** The random order's seed (random rankings only). */
  seed?: number;
  /** The per-head score the order comes from, layer-major (none for random). */
  scores: Float64Array | null;
  /** Flat head indices, first picked first. */
  order: number[];
  kFaithfulness: number | null;
  kCompleteness: number | null;
}

export interface RankingsEvaluation {
  clean: number;
  allAblated: number;
  attribution: AttributionRun;
  rankings: RankingEvaluation[];
}

export function checkEvaluateSettings(settings: EvaluateSettings): void {
  const { randomRankings, randomSeed, level } = settings;
  if (!Number.isInteger(randomRankings) || randomRankings < 0 || randomRankings > 1000)
    throw new HeadflowError(
      "bad-argument",
      `random rankings must be 0..1000 (got ${randomRankings})`,
    );
  if (!Number.isInteger(randomSeed) || randomSeed < 0 || randomSeed > 0xffffffff)
    throw new HeadflowError(
      "bad-argument",
      `random seed must be 0..4294967295 (got ${randomSeed})`,
    );
  if (!(level > 0 && level <= 1))
    throw new HeadflowError("bad-argument", `level must lie in (0, 1] (got ${level})`);
}

export interface EvaluateHooks {
  /** Stage name and progress within it. */
  onProgress?: (stage: "attribution" | "rankings", done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Evaluates the four ranking methods. `attention` is the per-head attention weight
 * (rankings.ts attentionToImage); everything else is measured through `evaluate`.
 */
export async function evaluateRankings(
  evaluate: EvaluateMasks,
  size: number,
  attention: Float64Array,
  settings: EvaluateSettings,
  hooks: EvaluateHooks = {},
): Promise<RankingsEvaluation> {
  checkEvaluateSettings(settings);
  const attribution = await attributeHeads(evaluate, size, settings.attribution, {
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    onProgress: (p: AttributionProgress) => hooks.onProgress?.("attribution", p.done, p.total),
  });
  hooks.signal?.throwIfAborted();
  const single = await singleHeadEffects(evaluate, size);
  const candidates: Omit<
    RankingEvaluation,
    keyof RankingCurves | "kFaithfulness" | "kCompleteness"
  >[] = [
    { method: "attribution", scores: attribution.scores, order: orderByScore(attribution.scores) },
    { method: "attention", scores: attention, order: orderByScore(attention) },
    { method: "single-head", scores: single.effects, order: orderByScore(single.effects) },
    ...Array.from({ length: settings.randomRankings }, (_, i) => {
      const seed = settings.randomSeed + i;
      return { method: "random" as const, seed, scores: null, order: randomOrder(size, seed) };
    }),
  ];
  hooks.onProgress?.("rankings", 0, candidates.length);
  const curves = await rankingCurves(
    evaluate,
    candidates.map((c) => c.order),
    size,
  );
  hooks.onProgress?.("rankings", candidates.length, candidates.length);
  const rankings = candidates.map((candidate, i) => {
    const curve = curves[i]!;
    return {
      ...candidate,
      ...curve,
      kFaithfulness: smallestKReaching(curve.faithfulness, settings.level),
      kCompleteness: smallestKReaching(curve.completeness, settings.level),
    };
  });
  const first = curves[0]!;
  return {
    clean: first.droppedTargets[0]!,
    allAblated: first.keptTargets[0]!,
    attribution,
    rankings,
  };
}
