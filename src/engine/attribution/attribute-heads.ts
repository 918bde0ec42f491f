/**
 * Head attribution (docs/PAPER.md, after COAR): run N random masks, each head ablated
 * independently with probability alpha; fit target ~ b + sum_h w_h m_h by ridge least
 * squares on the training masks; attribution_h = -w_h; check the fit by the Pearson r of
 * predicted vs actual targets on held-out masks.
 *
 * This module only needs a function from masks to targets, so it is tested on synthetic
 * linear "models" as well as on the real one.
 */
import { HeadflowError } from "../errors";
import { isHeldOut, MaskSampler, type MaskDraw } from "./masks";
import { RidgeAccumulator, predict, type LinearFit } from "./ridge";
import { pearson } from "../math/stats";

export interface AttributionSettings {
  samples: number;
  alpha: number;
  seed: number;
  /** Fraction of masks held out for the fit check. */
  holdout: number;
  /** Ridge penalty per mask (see RidgeAccumulator.solve). */
  ridge: number;
  /** Masks per model run. */
  batchSize: number;
}

/**
 * Defaults. samples and alpha come from the held-out r measurement in
 * src/engine/README.md; holdout and ridge are the "10-20%" and "a small ridge term".
 */
export const DEFAULT_ATTRIBUTION: AttributionSettings = {
  samples: 1000,
  alpha: 0.05,
  seed: 0,
  holdout: 0.15,
  ridge: 1e-3,
  batchSize: 32,
};

/** Targets of `count` masks stored back to back (layer-major rows). */
export type EvaluateMasks = (masks: Uint8Array, count: number) => Promise<Float64Array>;

export interface AttributionEstimate {
  /** attribution_h = -w_h, layer-major. */
  scores: Float64Array;
  intercept: number;
  /** Held-out Pearson r; null until at least 3 held-out masks with varying targets. */
  heldOutR: number | null;
  trainCount: number;
  heldOutCount: number;
}

export interface AttributionProgress {
  done: number;
  total: number;
  /** The fit on the masks so far (present once there are more training masks than heads). */
  partial?: AttributionEstimate;
}

export interface AttributionRun extends AttributionEstimate {
  /** The masks, as their draw: forEachMask draws them again (they are not kept). */
  masks: MaskDraw;
  targets: Float64Array;
  /** Time spent fitting (all partial fits and the final one), in milliseconds. */
  fitMs: number;
}

/**
 * The most masks one attribution may draw, wherever the count comes from (CLI option, UI
 * field, permalink): at 0.1 ms a mask that is hours of work, and the targets kept for the
 * standard errors' second pass stay at 80 MB.
 */
export const MAX_ATTRIBUTION_SAMPLES = 10_000_000;

export function checkAttributionSettings(settings: AttributionSettings): void {
  const bad = (message: string) => {
    throw new HeadflowError("bad-argument", message);
  };
  const { samples, alpha, seed, holdout, ridge, batchSize } = settings;
  if (!Number.isInteger(samples) || samples < 10 || samples > MAX_ATTRIBUTION_SAMPLES)
    bad(`samples must be an integer in 10..${MAX_ATTRIBUTION_SAMPLES} (got ${samples})`);
  if (!(alpha > 0 && alpha < 1)) bad(`alpha must lie strictly between 0 and 1 (got ${alpha})`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    bad(`seed must be an integer in 0..4294967295 (got ${seed})`);
  if (!(holdout > 0 && holdout < 0.5)) bad(`holdout must lie between 0 and 0.5 (got ${holdout})`);
  if (!(ridge > 0)) bad(`ridge must be positive (got ${ridge})`);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_ATTRIBUTION_SAMPLES)
    bad(`batch size must be an integer in 1..${MAX_ATTRIBUTION_SAMPLES} (got ${batchSize})`);
}

/**
 * Fits the ridge regression as batches of (mask, target) pairs arrive. attributeHeads uses
 * StreamingFit by default; the browser passes a fitter that forwards the pairs to its
 * scoring worker, which runs a StreamingFit there, so the numbers are the same either way.
 */
export interface MaskFitter {
  /** A batch of masks (rows back to back) and their targets; may return the fit so far. */
  add(masks: Uint8Array, values: Float64Array): AttributionEstimate | undefined;
  /** The final fit over every mask added. */
  finish(): AttributionEstimate | Promise<AttributionEstimate>;
}

export type MaskFitterFactory = (size: number, settings: AttributionSettings) => MaskFitter;

/**
 * The ridge fit of attributeHeads, fed batch by batch (masks in sampling order). Training
 * masks go into the normal equations and are dropped; only the held-out masks (a
 * `holdout` fraction) are kept, for the held-out correlation of each partial fit.
 */
export class StreamingFit implements MaskFitter {
  private readonly size: number;
  private readonly settings: AttributionSettings;
  private readonly accumulator: RidgeAccumulator;
  private readonly heldOut: GrowingRows;
  private readonly heldOutTargets: number[] = [];
  private received = 0;
  private estimate: AttributionEstimate | undefined;

  constructor(size: number, settings: AttributionSettings) {
    checkAttributionSettings(settings);
    this.size = size;
    this.settings = settings;
    this.accumulator = new RidgeAccumulator(size);
    this.heldOut = new GrowingRows(size);
  }

  add(masks: Uint8Array, values: Float64Array): AttributionEstimate | undefined {
    const count = values.length;
    const total = this.settings.samples;
    if (masks.length !== count * this.size || this.received + count > total) {
      throw new HeadflowError(
        "bad-argument",
        `a batch of ${count} targets needs ${count * this.size} mask entries and room among ${total} masks (got ${masks.length} entries after ${this.received} masks)`,
      );
    }
    for (let i = 0; i < count; i++) {
      const index = this.received + i;
      const row = masks.subarray(i * this.size, (i + 1) * this.size);
      if (isHeldOut(index, this.settings.holdout)) {
        this.heldOut.push(row);
        this.heldOutTargets.push(values[i]!);
      } else {
        this.accumulator.add(row, values[i]!);
      }
    }
    this.received += count;
    // Before there are more observations than unknowns the fit is ridge-dominated noise.
    this.estimate =
      this.accumulator.count > this.size
        ? summarise(this.accumulator, this.settings.ridge, this.heldOut, this.heldOutTargets)
        : undefined;
    return this.estimate;
  }

  finish(): AttributionEstimate {
    return (
      this.estimate ??
      summarise(this.accumulator, this.settings.ridge, this.heldOut, this.heldOutTargets)
    );
  }
}

/** Rows of one width appended one by one into a buffer that doubles as it fills. */
class GrowingRows {
  private readonly width: number;
  private bits: Uint8Array;
  count = 0;

  constructor(width: number) {
    this.width = width;
    this.bits = new Uint8Array(width * 64);
  }

  push(row: Uint8Array): void {
    const end = (this.count + 1) * this.width;
    if (end > this.bits.length) {
      const grown = new Uint8Array(Math.max(end, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits.set(row, this.count * this.width);
    this.count++;
  }

  row(index: number): Uint8Array {
    return this.bits.subarray(index * this.width, (index + 1) * this.width);
  }
}

export async function attributeHeads(
  evaluate: EvaluateMasks,
  size: number,
  settings: AttributionSettings,
  hooks: {
    onProgress?: (progress: AttributionProgress) => void;
    signal?: AbortSignal;
    /** Who fits (default: a StreamingFit here). */
    fitter?: MaskFitterFactory;
    /**
     * Masks per `evaluate` call, and so per progress report (default: the batch size). A
     * runner that groups masks by their first ablated layer wants several batches at once.
     */
    chunk?: number;
  } = {},
): Promise<AttributionRun> {
  checkAttributionSettings(settings);
  const { samples, alpha, seed } = settings;
  // Masks are drawn chunk by chunk and dropped once fitted, so memory and the time to the
  // first cancellation check do not grow with the sample count (the targets, 8 bytes a
  // mask, are kept for the standard errors' residuals).
  const sampler = new MaskSampler(size, alpha, seed);
  const targetChunks: Float64Array[] = [];
  const fitter = hooks.fitter?.(size, settings) ?? new StreamingFit(size, settings);
  let fitMs = 0;
  const chunkSize = Math.max(1, Math.floor(hooks.chunk ?? settings.batchSize));
  for (let start = 0; start < samples; start += chunkSize) {
    hooks.signal?.throwIfAborted();
    const count = Math.min(chunkSize, samples - start);
    const chunk = sampler.next(count);
    const values = (await evaluate(chunk, count)).slice(0, count);
    targetChunks.push(values);
    const done = start + count;
    // Time spent fitting here (or handing the batch to a fitter elsewhere).
    const fitStarted = performance.now();
    const estimate = fitter.add(chunk, values);
    fitMs += performance.now() - fitStarted;
    hooks.onProgress?.({ done, total: samples, ...(estimate ? { partial: estimate } : {}) });
  }
  hooks.signal?.throwIfAborted();
  const finalStarted = performance.now();
  const estimate = await fitter.finish();
  fitMs += performance.now() - finalStarted;
  const targets = new Float64Array(samples);
  let offset = 0;
  for (const values of targetChunks) {
    targets.set(values, offset);
    offset += values.length;
  }
  return { ...estimate, masks: { count: samples, size, alpha, seed }, targets, fitMs };
}

function summarise(
  accumulator: RidgeAccumulator,
  ridge: number,
  heldOut: GrowingRows,
  heldOutTargets: readonly number[],
): AttributionEstimate {
  const fit: LinearFit = accumulator.solve(ridge);
  const predicted = Array.from({ length: heldOut.count }, (_, i) => predict(fit, heldOut.row(i)));
  const r = heldOut.count >= 3 ? pearson(predicted, heldOutTargets) : Number.NaN;
  return {
    scores: Float64Array.from(fit.weights, (w) => (w === 0 ? 0 : -w)),
    intercept: fit.intercept,
    heldOutR: Number.isFinite(r) ? r : null,
    trainCount: accumulator.count,
    heldOutCount: heldOut.count,
  };
}
