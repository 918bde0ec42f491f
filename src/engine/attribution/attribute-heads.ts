/**
 * Head attribution (shared/PAPER.md, after COAR): run N random masks, each head ablated
 * independently with probability alpha; fit target ~ b + sum_h w_h m_h by ridge least
 * squares on the training masks; attribution_h = -w_h; check the fit by the Pearson r of
 * predicted vs actual targets on held-out masks.
 *
 * This module only needs a function from masks to targets, so it is tested on synthetic
 * linear "models" as well as on the real one.
 */
import { HeadflowError } from "../errors";
import { isHeldOut, maskRow, sampleMasks, type MaskSet } from "./masks";
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
  masks: MaskSet;
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

/** The ridge fit of attributeHeads, fed batch by batch (masks in sampling order). */
export class StreamingFit implements MaskFitter {
  private readonly size: number;
  private readonly settings: AttributionSettings;
  private readonly masks: MaskSet;
  private readonly targets: Float64Array;
  private readonly accumulator: RidgeAccumulator;
  private readonly heldOut: number[] = [];
  private received = 0;
  private estimate: AttributionEstimate | undefined;

  constructor(size: number, settings: AttributionSettings) {
    checkAttributionSettings(settings);
    this.size = size;
    this.settings = settings;
    this.masks = { count: settings.samples, size, bits: new Uint8Array(settings.samples * size) };
    this.targets = new Float64Array(settings.samples);
    this.accumulator = new RidgeAccumulator(size);
  }

  add(masks: Uint8Array, values: Float64Array): AttributionEstimate | undefined {
    const count = values.length;
    if (masks.length !== count * this.size || this.received + count > this.masks.count) {
      throw new HeadflowError(
        "bad-argument",
        `a batch of ${count} targets needs ${count * this.size} mask entries and room among ${this.masks.count} masks (got ${masks.length} entries after ${this.received} masks)`,
      );
    }
    this.masks.bits.set(masks, this.received * this.size);
    for (let i = 0; i < count; i++) {
      const index = this.received + i;
      this.targets[index] = values[i]!;
      if (isHeldOut(index, this.settings.holdout)) this.heldOut.push(index);
      else this.accumulator.add(maskRow(this.masks, index), values[i]!);
    }
    this.received += count;
    // Before there are more observations than unknowns the fit is ridge-dominated noise.
    this.estimate =
      this.accumulator.count > this.size
        ? summarise(this.accumulator, this.settings.ridge, this.masks, this.targets, this.heldOut)
        : undefined;
    return this.estimate;
  }

  finish(): AttributionEstimate {
    return (
      this.estimate ??
      summarise(this.accumulator, this.settings.ridge, this.masks, this.targets, this.heldOut)
    );
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
  const masks = sampleMasks(settings.samples, size, settings.alpha, settings.seed);
  const targets = new Float64Array(settings.samples);
  const fitter = hooks.fitter?.(size, settings) ?? new StreamingFit(size, settings);
  let fitMs = 0;
  const chunkSize = Math.max(1, Math.floor(hooks.chunk ?? settings.batchSize));
  for (let start = 0; start < masks.count; start += chunkSize) {
    hooks.signal?.throwIfAborted();
    const count = Math.min(chunkSize, masks.count - start);
    const chunk = masks.bits.subarray(start * size, (start + count) * size);
    const values = await evaluate(chunk, count);
    targets.set(values.subarray(0, count), start);
    const done = start + count;
    // Time spent fitting here (or handing the batch to a fitter elsewhere).
    const fitStarted = performance.now();
    const estimate = fitter.add(chunk, values.subarray(0, count));
    fitMs += performance.now() - fitStarted;
    hooks.onProgress?.({ done, total: masks.count, ...(estimate ? { partial: estimate } : {}) });
  }
  const finalStarted = performance.now();
  const estimate = await fitter.finish();
  fitMs += performance.now() - finalStarted;
  return { ...estimate, masks, targets, fitMs };
}

function summarise(
  accumulator: RidgeAccumulator,
  ridge: number,
  masks: MaskSet,
  targets: Float64Array,
  heldOut: number[],
): AttributionEstimate {
  const fit: LinearFit = accumulator.solve(ridge);
  const predicted = heldOut.map((index) => predict(fit, maskRow(masks, index)));
  const actual = heldOut.map((index) => targets[index]!);
  const r = heldOut.length >= 3 ? pearson(predicted, actual) : Number.NaN;
  return {
    scores: Float64Array.from(fit.weights, (w) => (w === 0 ? 0 : -w)),
    intercept: fit.intercept,
    heldOutR: Number.isFinite(r) ? r : null,
    trainCount: accumulator.count,
    heldOutCount: heldOut.length,
  };
}
