/**
 * Masks -> targets through the batched AblationRunner: the EvaluateMasks function every
 * mask-based analysis (attribution, rankings, faithfulness) consumes.
 */
import type { EvaluateMasks } from "../attribution/attribute-heads";
import type { AblationRunner } from "./runner";
import { targetValue, type TargetKind } from "./targets";

export function maskTargets(
  runner: AblationRunner,
  answerId: number,
  kind: TargetKind,
  options: { batchSize?: number; signal?: AbortSignal; onBatch?: (done: number) => void } = {},
): EvaluateMasks {
  const vocab = runner.session.dims.vocabSize;
  return async (masks, count) => {
    const logits = await runner.run(masks, count, options);
    return Float64Array.from({ length: count }, (_, row) =>
      targetValue(logits, row, vocab, answerId, kind),
    );
  };
}
