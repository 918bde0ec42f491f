/**
 * Standard errors of the attribution's ridge coefficients, so the heatmap can say how far
 * a head's score would move with another draw of masks.
 *
 * Why the sandwich (heteroscedasticity-robust) form of the analytic ridge covariance,
 *
 *   Cov(w) = A^-1 (sum_i u_i x_i x_i') A^-1,   A = X'X + P,
 *
 * with HC3 weights u_i = e_i^2 / (1 - h_i)^2 (e: residual, h: leverage x_i' A^-1 x_i),
 * rather than the textbook sigma^2 A^-1 X'X A^-1 or a bootstrap over masks:
 * - The target is a deterministic function of the mask; the "noise" is the part the
 *   additive model misses (heads that back each other up interact). How large that misfit
 *   is depends on which heads are ablated, so one residual variance sigma^2 is the wrong
 *   model; the sandwich weights each mask by its own squared residual. With constant
 *   residual variance all forms agree (coefficient-se.test.ts checks this).
 * - The masks are random (drawn per seed); the sandwich is the covariance under random
 *   design. HC3's leverage correction matters here: at alpha 0.05 a head is ablated in
 *   only ~40 of 850 training masks, and those masks carry its whole estimate.
 * - A bootstrap over masks estimates the same thing with hundreds of refits; the analytic
 *   form costs one (heads+1)^3 inverse and three streaming passes over the masks
 *   (milliseconds), keeping nothing per mask.
 * Measured on the bundled model (scripts/se-calibration.ts, sample-00, 20 seeds x 1000
 * masks, docs/measurements/se-calibration-sample-00.json): mean SE / SD over seeds, median
 * over the 64 heads (10th-90th percentile): hc3 0.90 (0.71-1.09), hc1 0.82 (0.65-1.00),
 * classic 1.00 (0.73-1.29). HC3 tracks the head-to-head differences most closely (the
 * narrowest band, which also holds the SD's own ~16% sampling noise) at the price of
 * reading about 10% low; "classic" and "hc1" stay available as options.
 *
 * X has a leading column of ones (the intercept); P = ridge * n on the weights only, as in
 * RidgeAccumulator.solve. df = tr(A^-1 X'X), the ridge fit's effective degrees of freedom,
 * scales sigma^2 (classic) and the HC1 weights (n / (n - df)). Only the training masks
 * (not the held-out ones) enter, as in the fit.
 */
import { solveSpd } from "../math/linalg";
import { forEachMask, isHeldOut, type MaskDraw, type MaskSet } from "./masks";
import { RidgeAccumulator } from "./ridge";

export type CovarianceEstimator = "hc3" | "hc1" | "classic";

export interface CoefficientSeOptions {
  /** Ridge penalty per mask, as in AttributionSettings.ridge. */
  ridge: number;
  /** Held-out fraction; those masks are left out exactly as the fit leaves them out. */
  holdout: number;
  /** "hc3" (default, see above), "hc1" or "classic" (sigma^2 A^-1 X'X A^-1). */
  estimator?: CovarianceEstimator;
}

/**
 * One standard error per head (layer-major, same order as the scores). The SE of an
 * attribution score -w equals that of w. NaN everywhere when there are not more training
 * masks than fitted parameters (the residual variance is then undefined).
 */
export function coefficientStandardErrors(
  masks: MaskSet | MaskDraw,
  targets: ArrayLike<number>,
  options: CoefficientSeOptions,
): Float64Array {
  const { size } = masks;
  const n = size + 1;
  const result = new Float64Array(size).fill(Number.NaN);
  // Every pass visits the training masks in order and keeps nothing per mask, so memory
  // stays (heads + 1)^2 whatever the count: a drawn set is drawn again for each pass.
  const forEachTraining = (visit: (row: Uint8Array, target: number) => void) =>
    forEachMask(masks, (row, index) => {
      if (!isHeldOut(index, options.holdout)) visit(row, targets[index]!);
    });

  const accumulator = new RidgeAccumulator(size);
  forEachTraining((row, target) => accumulator.add(row, target));
  const trainCount = accumulator.count;
  if (trainCount <= n) return result;
  const fit = accumulator.solve(options.ridge);
  const residualOf = (row: Uint8Array, target: number, active: number[]) => {
    let predicted = fit.intercept;
    for (let a = 1; a < active.length; a++) {
      const k = active[a]! - 1;
      predicted += fit.weights[k]! * row[k]!;
    }
    return target - predicted;
  };

  // Pass 1: X'X and the residual sum of squares, touching only each mask's active heads.
  const gram = new Float64Array(n * n);
  let rss = 0;
  forEachTraining((row, target) => {
    const active = activeColumns(row);
    const residual = residualOf(row, target, active);
    rss += residual * residual;
    for (const i of active) {
      for (const j of active) gram[i * n + j]! += feature(row, i) * feature(row, j);
    }
  });

  const system = Float64Array.from(gram);
  const penalty = options.ridge * trainCount;
  for (let k = 1; k < n; k++) system[k * n + k]! += penalty;
  const inverse = invertSpd(system, n);

  // df = tr(A^-1 X'X).
  let df = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) df += inverse[i * n + j]! * gram[j * n + i]!;
  const dof = trainCount - df;
  if (!(dof > 0)) return result;

  // Pass 2: the middle matrix of the chosen estimator (residuals computed again, the same way).
  const estimator = options.estimator ?? "hc3";
  let middle: Float64Array;
  if (estimator === "classic") {
    middle = gram.map((value) => (value * rss) / dof);
  } else {
    middle = new Float64Array(n * n);
    forEachTraining((row, target) => {
      const active = activeColumns(row);
      const residual = residualOf(row, target, active);
      let weight = residual * residual;
      if (estimator === "hc3") {
        // Leverage h = x' A^-1 x; HC3 inflates each squared residual by 1 / (1 - h)^2.
        let leverage = 0;
        for (const i of active) {
          for (const j of active)
            leverage += feature(row, i) * inverse[i * n + j]! * feature(row, j);
        }
        weight /= Math.max(1 - leverage, 1e-6) ** 2;
      } else {
        weight *= trainCount / dof;
      }
      for (const i of active) {
        for (const j of active) middle[i * n + j]! += weight * feature(row, i) * feature(row, j);
      }
    });
  }
  // diag(A^-1 M A^-1)_k = sum_ij B_ki M_ij B_jk with B = A^-1 (symmetric).
  for (let k = 1; k < n; k++) {
    let variance = 0;
    for (let i = 0; i < n; i++) {
      const bki = inverse[k * n + i]!;
      if (bki === 0) continue;
      let inner = 0;
      for (let j = 0; j < n; j++) inner += middle[i * n + j]! * inverse[j * n + k]!;
      variance += bki * inner;
    }
    result[k - 1] = Math.sqrt(Math.max(variance, 0));
  }
  return result;
}

/** The design columns a mask touches: 0 (the intercept) and 1 + each ablated head. */
function activeColumns(row: Uint8Array): number[] {
  const active = [0];
  for (let k = 0; k < row.length; k++) if (row[k] !== 0) active.push(k + 1);
  return active;
}

/** Column i of the design row: 1 for the intercept (i = 0), else the mask entry. */
function feature(row: Uint8Array, i: number): number {
  return i === 0 ? 1 : row[i - 1]!;
}

/** The inverse of a symmetric positive definite matrix, one column per solve. */
function invertSpd(matrix: Float64Array, n: number): Float64Array {
  const inverse = new Float64Array(n * n);
  const unit = new Float64Array(n);
  for (let column = 0; column < n; column++) {
    unit.fill(0);
    unit[column] = 1;
    const solution = solveSpd(matrix, unit, n);
    for (let row = 0; row < n; row++) inverse[row * n + column] = solution[row]!;
  }
  return inverse;
}
