/**
 * `attribute --baselines`: one image attributed under each baseline with the same options
 * (settings, seed, so the same masks), then compared (baseline-sensitivity.ts).
 */
import type { BaselineSpec } from "../../ablation/baseline";
import type { AttributionProgress } from "../../attribution/attribute-heads";
import type { Headflow, NamedImage } from "../../headflow";
import type { AttributionResult } from "../../results/attribution-results";
import { attribute, type AttributeOptions } from "../attribute";
import { MAX_BASELINES } from "./baseline-match";
import { compareBaselines } from "./baseline-sensitivity";
import type { BaselinesResult } from "./trust-results";
import { HeadflowError } from "../../errors";

export interface BaselineSensitivityOptions extends Omit<
  AttributeOptions,
  "baseline" | "onProgress"
> {
  topK?: number;
  /** Progress of the whole run: which baseline (0-based) and its attribution's progress. */
  onProgress?: (baseline: number, progress: AttributionProgress) => void;
}

export async function baselineSensitivity(
  model: Headflow,
  image: NamedImage,
  baselines: BaselineSpec[],
  options: BaselineSensitivityOptions = {},
): Promise<BaselinesResult> {
  if (baselines.length < 2 || baselines.length > MAX_BASELINES) {
    throw new HeadflowError(
      "bad-argument",
      `give 2..${MAX_BASELINES} baselines to compare (got ${baselines.length})`,
    );
  }
  const { topK, onProgress, ...attributeOptions } = options;
  const attributions: AttributionResult[] = [];
  for (const [index, baseline] of baselines.entries()) {
    attributions.push(
      await attribute(model, image, {
        ...attributeOptions,
        baseline,
        ...(onProgress ? { onProgress: (progress) => onProgress(index, progress) } : {}),
      }),
    );
  }
  return compareBaselines(attributions, topK);
}
