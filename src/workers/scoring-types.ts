/**
 * What the scoring worker, the inference worker and the main thread exchange about a fit
 * (plain, structured-cloneable data).
 */
import type { AttributionEstimate, AttributionSettings } from "../engine";

/** The scoring worker's answer to a batch: masks fitted so far, and the fit once it exists. */
export interface FitProgress {
  done: number;
  total: number;
  partial?: AttributionEstimate;
}

/**
 * Where the inference worker sends an attribution's (mask, target) batches: fit-link.ts
 * posts them to the scoring worker; scoring-fitter.ts feeds it from the engine's fit.
 */
export interface FitSink {
  start(size: number, settings: AttributionSettings): void;
  batch(masks: Uint8Array, values: Float64Array): void;
  finish(): Promise<AttributionEstimate>;
}
