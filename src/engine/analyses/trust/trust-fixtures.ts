/** Attribution and sets results built from given scores, for the trust views' tests. */
import { headGrid } from "../labels";
import { ATTRIBUTION_SCHEMA, type AttributionResult } from "../../results/attribution-results";
import { SETS_SCHEMA, type SetsResult } from "../../results/analysis-results";

export function attributionOf(
  scores: readonly number[],
  layers: number,
  heads: number,
  change: Partial<AttributionResult> = {},
): AttributionResult {
  return {
    schema: ATTRIBUTION_SCHEMA,
    model: { id: "toy", name: "Toy", layers, heads },
    image: { name: "scene.png", width: 64, height: 64 },
    question: "What is the main object?",
    promptTokens: ["USER", ":", "<image>", "?", ":"],
    imageTokenRange: [2, 3],
    answer: { token: "cat", id: 7 },
    target: "logit",
    baseline: "mean",
    settings: { samples: 100, alpha: 0.5, seed: 0, holdout: 0.2, ridge: 1e-3, batchSize: 50 },
    layers,
    heads,
    scores: headGrid(scores, layers, heads),
    intercept: 1,
    fit: { heldOutR: 0.9, trainMasks: 80, heldOutMasks: 20 },
    clean: { target: 2, top: [] },
    timings: { prefillMs: 1, masksMs: 1, fitMs: 1, totalMs: 3, masksPerSecond: 100 },
    runtime: "test",
    createdAt: "2026-01-01T00:00:00.000Z",
    ...change,
  };
}

/** A sets result with one image per set, each set's mean the given scores. */
export function setsOf(
  sets: { name: string; scores: readonly number[] }[],
  layers: number,
  heads: number,
): SetsResult {
  const grid = (scores: readonly number[]) => headGrid(scores, layers, heads);
  return {
    schema: SETS_SCHEMA,
    model: { id: "toy", name: "Toy", layers, heads },
    question: "What is the main object?",
    baseline: "mean",
    target: "logit",
    settings: { samples: 100, alpha: 0.5, seed: 0, holdout: 0.2, ridge: 1e-3, batchSize: 50 },
    permutations: 0,
    permutationSeed: 0,
    layers,
    heads,
    fingerprint: "f",
    total: sets.length,
    images: sets.map((set, index) => ({
      index,
      file: `${set.name}.png`,
      set: set.name,
      category: set.name,
      style: null,
      answer: set.name,
      heldOutR: 0.9,
      scores: grid(set.scores),
    })),
    sets: sets.map((set) => ({
      name: set.name,
      count: 1,
      mean: grid(set.scores),
      standardError: grid(set.scores.map(() => 0)),
    })),
    similarity: sets.map(() => sets.map(() => null)),
    test: null,
    timings: { totalMs: 0 },
    runtime: "test",
    createdAt: "2026-01-01T00:00:00.000Z",
  };
}
