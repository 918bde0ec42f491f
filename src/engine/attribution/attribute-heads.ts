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
import { FitSchedule } from "./fit-schedule";
import { HeldOutStats } from "./held-out";
import { isHeldOut, MaskSampler, type MaskDraw } from "./masks";
import { RidgeAccumulator, type LinearFit } from "./ridge";
import {
  ConvergenceTracker,
  DEFAULT_STOP_RULE,
  type ConvergenceCheck,
  type StopMode,
  type StopRule,
} from "./stop-rule";

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
  /**
   * "auto": stop sampling once the fit has stopped changing (stop-rule.ts), so `samples`
   * is the most masks drawn; "off" (and absent, as in results written before the rule
   * existed): always draw `samples` masks.
   */
  stop?: StopMode;
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
  stop: "off",
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
  /**
   * The fit on the masks so far, at the fit schedule's refits (fit-schedule.ts), once there
   * are more training masks than heads.
   */
  partial?: AttributionEstimate;
  /** With `stop: "auto"`, the stopping rule's latest check. */
  check?: ConvergenceCheck;
}

/** How a run with the stopping rule ended (absent with `stop: "off"`). */
export interface StoppingRecord {
  rule: StopRule;
  /** Masks drawn, run and fitted: `samples` unless the rule was met first. */
  masksUsed: number;
  /** "converged": the rule was met; "samples": every mask was drawn first. */
  reason: "converged" | "samples";
  /** Every check of the run, in order. */
  checks: ConvergenceCheck[];
}

export interface AttributionRun extends AttributionEstimate {
  /** The masks, as their draw: forEachMask draws them again (they are not kept). */
  masks: MaskDraw;
  targets: Float64Array;
  /** Time spent fitting (all partial fits and the final one), in milliseconds. */
  fitMs: number;
  stopping?: StoppingRecord;
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
  const { samples, alpha, seed, holdout, ridge, batchSize, stop } = settings;
  if (!Number.isInteger(samples) || samples < 10 || samples > MAX_ATTRIBUTION_SAMPLES)
    bad(`samples must be an integer in 10..${MAX_ATTRIBUTION_SAMPLES} (got ${samples})`);
  if (!(alpha > 0 && alpha < 1)) bad(`alpha must lie strictly between 0 and 1 (got ${alpha})`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    bad(`seed must be an integer in 0..4294967295 (got ${seed})`);
  if (!(holdout > 0 && holdout < 0.5)) bad(`holdout must lie between 0 and 0.5 (got ${holdout})`);
  if (!(ridge > 0)) bad(`ridge must be positive (got ${ridge})`);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_ATTRIBUTION_SAMPLES)
    bad(`batch size must be an integer in 1..${MAX_ATTRIBUTION_SAMPLES} (got ${batchSize})`);
  if (stop !== undefined && stop !== "auto" && stop !== "off")
    bad(`stop must be auto or off (got ${JSON.stringify(stop)})`);
}

/** The schedule of partial fits (and of the stopping rule's checks) of a run. */
export function fitScheduleOf(
  size: number,
  settings: AttributionSettings,
  spacing = DEFAULT_STOP_RULE.spacing,
): FitSchedule {
  return new FitSchedule(size, settings.holdout, settings.samples, spacing);
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
 * masks go into the normal equations and held-out masks into the sums of their
 * correlation check (held-out.ts); no mask is kept, so memory and the cost of a refit do
 * not grow with the sample count. It refits on the fit schedule (fit-schedule.ts), not
 * after every batch.
 */
export class StreamingFit implements MaskFitter {
  private readonly size: number;
  private readonly settings: AttributionSettings;
  private readonly accumulator: RidgeAccumulator;
  private readonly heldOut: HeldOutStats;
  private readonly schedule: FitSchedule;
  private received = 0;
  private estimate: AttributionEstimate | undefined;
  private estimateAt = -1;

  /** `spacing`: of the fit schedule's checks (the stopping rule's). */
  constructor(size: number, settings: AttributionSettings, spacing = DEFAULT_STOP_RULE.spacing) {
    checkAttributionSettings(settings);
    this.size = size;
    this.settings = settings;
    this.accumulator = new RidgeAccumulator(size);
    this.heldOut = new HeldOutStats(size);
    this.schedule = fitScheduleOf(size, settings, spacing);
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
      if (isHeldOut(index, this.settings.holdout)) this.heldOut.add(row, values[i]!);
      else this.accumulator.add(row, values[i]!);
    }
    this.received += count;
    // The schedule starts once there are more observations than unknowns: before that
    // the fit is ridge-dominated noise.
    if (!this.schedule.due(this.received)) return undefined;
    return this.fit();
  }

  /** The fit over every mask added (the last refit's when no mask came since). */
  finish(): AttributionEstimate {
    return this.estimateAt === this.received && this.estimate ? this.estimate : this.fit();
  }

  private fit(): AttributionEstimate {
    this.estimate = summarise(this.accumulator, this.settings.ridge, this.heldOut);
    this.estimateAt = this.received;
    return this.estimate;
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
    /** The rule `stop: "auto"` applies (default DEFAULT_STOP_RULE); for measuring others. */
    stopRule?: StopRule;
  } = {},
): Promise<AttributionRun> {
  checkAttributionSettings(settings);
  const { samples, alpha, seed } = settings;
  // Masks are drawn chunk by chunk and dropped once fitted, so memory and the time to the
  // first cancellation check do not grow with the sample count (the targets, 8 bytes a
  // mask, are kept for the standard errors' residuals).
  const sampler = new MaskSampler(size, alpha, seed);
  const targetChunks: Float64Array[] = [];
  const rule = hooks.stopRule ?? DEFAULT_STOP_RULE;
  const fitter = hooks.fitter?.(size, settings) ?? new StreamingFit(size, settings, rule.spacing);
  // The stopping rule reads the fit at its checks. A fitter elsewhere (the browser's
  // scoring worker) answers later, so the rule then follows a fit of its own here: the
  // same numbers, at the cost of one small solve per check.
  const stopping = settings.stop === "auto";
  const tracker = stopping ? new ConvergenceTracker(rule) : null;
  const monitor = stopping && hooks.fitter ? new StreamingFit(size, settings, rule.spacing) : null;
  const schedule = fitScheduleOf(size, settings, rule.spacing);
  let fitMs = 0;
  let used = samples;
  const chunkSize = Math.max(1, Math.floor(hooks.chunk ?? settings.batchSize));
  for (let start = 0; start < samples;) {
    hooks.signal?.throwIfAborted();
    // With the rule on, chunks end at the checks, so a check sees exactly its masks
    // whatever the chunk size (and so does the stopping point).
    const end = tracker ? Math.min(schedule.checkAfter(start), samples) : samples;
    const count = Math.min(chunkSize, end - start);
    const chunk = sampler.next(count);
    const values = (await evaluate(chunk, count)).slice(0, count);
    targetChunks.push(values);
    const done = start + count;
    // Time spent fitting here (or handing the batch to a fitter elsewhere).
    const fitStarted = performance.now();
    const estimate = fitter.add(chunk, values);
    const watched = monitor ? monitor.add(chunk, values) : estimate;
    let check: ConvergenceCheck | undefined;
    let converged = false;
    if (tracker && watched && schedule.isCheck(done)) {
      converged = tracker.check(done, watched.scores, watched.heldOutR);
      check = tracker.checks.at(-1);
    }
    fitMs += performance.now() - fitStarted;
    hooks.onProgress?.({
      done,
      total: samples,
      ...(estimate ? { partial: estimate } : {}),
      ...(check ? { check } : {}),
    });
    start = done;
    if (converged && done < samples) {
      used = done;
      break;
    }
  }
  hooks.signal?.throwIfAborted();
  const finalStarted = performance.now();
  const estimate = await fitter.finish();
  fitMs += performance.now() - finalStarted;
  const targets = new Float64Array(used);
  let offset = 0;
  for (const values of targetChunks) {
    targets.set(values, offset);
    offset += values.length;
  }
  return {
    ...estimate,
    masks: { count: used, size, alpha, seed },
    targets,
    fitMs,
    ...(tracker
      ? {
          stopping: {
            rule: tracker.rule,
            masksUsed: used,
            reason: used < samples ? ("converged" as const) : ("samples" as const),
            checks: tracker.checks,
          },
        }
      : {}),
  };
}

function summarise(
  accumulator: RidgeAccumulator,
  ridge: number,
  heldOut: HeldOutStats,
): AttributionEstimate {
  const fit: LinearFit = accumulator.solve(ridge);
  const r = heldOut.count >= 3 ? heldOut.correlation(fit.weights) : Number.NaN;
  return {
    scores: Float64Array.from(fit.weights, (w) => (w === 0 ? 0 : -w)),
    intercept: fit.intercept,
    heldOutR: Number.isFinite(r) ? r : null,
    trainCount: accumulator.count,
    heldOutCount: heldOut.count,
  };
}
