/**
 * The main thread's handle on the scoring worker, and the FitSink that connects an
 * attribution in the inference worker to a fit in the scoring worker.
 */
import * as Comlink from "comlink";
import type { AttributionEstimate } from "../engine";
import type { AttributionUpdate } from "./inference-types";
import type { ScoringApi } from "./scoring-api";
import type { FitSink, FitProgress } from "./scoring-types";

let worker: Comlink.Remote<ScoringApi> | null = null;

/** The one scoring worker of the page (started on first use), as a comlink proxy. */
export function scoringWorker(): Comlink.Remote<ScoringApi> {
  worker ??= Comlink.wrap<ScoringApi>(
    new Worker(new URL("./scoring.worker.ts", import.meta.url), {
      type: "module",
      name: "headflow-scoring",
    }),
  );
  return worker;
}

let nextFit = 0;

export interface FitLink extends FitSink {
  /** Closes the fit in the scoring worker if it did not finish (cancel, failure). */
  dispose(): void;
}

/**
 * A sink for one attribution. Batches go to the scoring worker in arrival order (each call
 * is posted at once, and the worker handles one message at a time); `onProgress` gets the
 * masks fitted so far and the fit once there are enough of them.
 */
export function createFitLink(
  onProgress: (progress: FitProgress) => void,
  scoring: Comlink.Remote<ScoringApi> = scoringWorker(),
): FitLink {
  const id = ++nextFit;
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
      scoring.addBatch(id, masks, values).then(onProgress, remember);
    },
    async finish(): Promise<AttributionEstimate> {
      const estimate = await scoring.finishFit(id);
      finished = true;
      // A batch that failed earlier makes the final fit wrong, not just late.
      if (failure !== null) throw failure;
      return estimate;
    },
    dispose() {
      if (!finished) void scoring.dropFit(id);
    },
  };
}

/** A fit's progress as the attribution state's update (scores once there is a fit). */
export function fitUpdate(progress: FitProgress): AttributionUpdate {
  const { done, total, partial } = progress;
  return partial
    ? { done, total, scores: partial.scores, heldOutR: partial.heldOutR }
    : { done, total };
}
