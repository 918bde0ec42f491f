/**
 * Whether attributions are one run under several baselines: same model, image, question,
 * target, answer, masks (seed, samples, alpha, holdout) and head grid, each baseline once.
 * Only then does a difference between their rankings measure the baseline alone.
 */
import type { AttributionResult } from "../../results/attribution-results";

/** At most this many baselines in one comparison (the UI offers 2-3; pairs grow as n²). */
export const MAX_BASELINES = 8;

/** Why these attributions cannot be compared as baseline variants of one run, or null. */
export function baselineMismatch(attributions: readonly AttributionResult[]): string | null {
  if (attributions.length < 2 || attributions.length > MAX_BASELINES) {
    return `baseline sensitivity needs 2..${MAX_BASELINES} attributions (got ${attributions.length})`;
  }
  const first = attributions[0]!;
  const labels = new Set<string>();
  for (const other of attributions) {
    if (labels.has(other.baseline)) return `baseline ${other.baseline} is given twice`;
    labels.add(other.baseline);
    const differs = (what: string, a: unknown, b: unknown) =>
      a === b ? null : `the ${what} differs (${String(a)} and ${String(b)})`;
    const problem =
      differs("model", first.model.id, other.model.id) ??
      differs("image", first.image.name, other.image.name) ??
      differs("question", first.question, other.question) ??
      differs("target", first.target, other.target) ??
      differs("answer", first.answer.id, other.answer.id) ??
      differs("seed", first.settings.seed, other.settings.seed) ??
      differs("number of samples", first.settings.samples, other.settings.samples) ??
      differs("alpha", first.settings.alpha, other.settings.alpha) ??
      differs("holdout", first.settings.holdout, other.settings.holdout) ??
      differs("head grid", `${first.layers}x${first.heads}`, `${other.layers}x${other.heads}`);
    if (problem !== null)
      return `the attributions are not one run under several baselines: ${problem}`;
  }
  return null;
}
