/**
 * The inference worker's handle on one fit in the scoring worker: batches go straight to it
 * over the workers' own MessageChannel, never through the main thread, which watches the
 * fit's progress in the scoring worker instead (scoring-api.ts `watchFit`).
 */
import { transfer, type Remote } from "comlink";
import type { AttributionEstimate } from "../engine";
import type { ScoringApi } from "./scoring-api";
import type { FitSink } from "./scoring-types";

export interface FitLink extends FitSink {
  /** Closes the fit in the scoring worker if it did not finish (cancel, failure). */
  dispose(): void;
}

/**
 * Fit `id` in `scoring`. Batches are posted in arrival order (each call is posted at once,
 * and the scoring worker handles one message at a time), never awaited: the next batch of
 * model runs starts at once. A batch that fails makes `finish` fail. `batch` takes
 * ownership of its arrays: their buffers are transferred to the scoring worker.
 */
export function createFitLink(scoring: Remote<ScoringApi>, id: number): FitLink {
  let failure: unknown = null;
  let finished = false;
  const remember = (error: unknown) => {
    failure ??= error;
  };
  return {
    start(size, settings) {
      scoring.startFit(id, size, settings).catch(remember);
    },
    batch(masks, values) {
      // Moved, not copied: the caller hands over arrays it no longer uses (scoring-fitter.ts).
      const moved = transfer(masks, [masks.buffer as ArrayBuffer]);
      scoring.addBatch(id, moved, transfer(values, [values.buffer as ArrayBuffer])).catch(remember);
    },
    async finish(): Promise<AttributionEstimate> {
      const estimate = await scoring.finishFit(id);
      finished = true;
      // Replies come in order: every batch's failure has arrived by now.
      if (failure !== null) throw failure;
      return estimate;
    },
    dispose() {
      if (!finished) void scoring.dropFit(id);
    },
  };
}
