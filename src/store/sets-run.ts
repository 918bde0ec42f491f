/**
 * The context that labels a sets result the way `headflow sets` does, so the two write one
 * schema with one fingerprint.
 */
import {
  type AttributionResult,
  type SetEntry,
  setsFingerprint,
  type SetsContext,
} from "../engine";

/**
 * The sets context from the run's first attribution (every image shares model, question,
 * baseline, target and settings) and the list of images attributed.
 */
export function setsContextOf(
  first: AttributionResult,
  entries: readonly SetEntry[],
  permutations: number,
  permutationSeed: number,
): SetsContext {
  const shaping = {
    model: first.model,
    question: first.question,
    baseline: first.baseline,
    target: first.target,
    settings: first.settings,
    permutations,
    permutationSeed,
    layers: first.layers,
    heads: first.heads,
  };
  return {
    ...shaping,
    fingerprint: setsFingerprint(entries, shaping),
    total: entries.length,
    runtime: first.runtime,
  };
}
