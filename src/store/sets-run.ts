/**
 * One attribution of a set run (the inference worker runs masks, the scoring worker fits,
 * as for the explorer's own attribution), and the context that labels a sets result the
 * way `headflow sets` does, so the two write one schema with one fingerprint.
 */
import * as Comlink from "comlink";
import {
  type AttributionSettings,
  type AttributionResult,
  type SetEntry,
  setsFingerprint,
  type SetsContext,
} from "../engine";
import type { CancelFlag } from "../workers/cancel-flag";
import { inferenceWorker } from "../workers/inference-client";
import type { AnalysisInput, AttributionUpdate } from "../workers/inference-types";
import { createFitLink, fitUpdate } from "../workers/scoring-client";

export async function attributeImage(
  input: AnalysisInput,
  settings: Partial<AttributionSettings>,
  cancelFlag: CancelFlag | undefined,
  onUpdate: (update: AttributionUpdate) => void,
): Promise<AttributionResult> {
  const link = createFitLink((progress) => onUpdate(fitUpdate(progress)));
  try {
    return await inferenceWorker().attribute(
      { ...input, settings, ...(cancelFlag ? { cancelFlag } : {}) },
      Comlink.proxy(onUpdate),
      Comlink.proxy(link),
    );
  } finally {
    link.dispose();
  }
}

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
