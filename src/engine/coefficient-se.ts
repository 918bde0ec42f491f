/**
 * Standard errors of the attribution's ridge coefficients, so the heatmap can say how far
 * a head's score would move with another draw of masks.
 *
 * Why the sandwich (heteroscedasticity-robust, HC1) form of the analytic ridge covariance
 *
 *   Cov(w) = A^-1 (sum_i e_i^2 x_i x_i') A^-1 * n / (n - df),   A = X'X + P,
 *
 * rather than the textbook sigma^2 A^-1 X'X A^-1 or a bootstrap over masks:
 * - The target is a deterministic function of the mask; the "noise" is the part the
 *   additive model misses (heads that back each other up interact). How large that misfit
 *   is depends on which heads are ablated, so a single residual variance sigma^2 is the
 *   wrong model; the sandwich weights each mask by its own squared residual. With constant
 *   residual variance both forms agree (coefficient-se.test.ts checks this).
 * - The masks themselves are random (drawn per seed), and the sandwich is the large-sample
 *   covariance under random design; the test checks it against the spread of the
 *   coefficients over many independently drawn mask sets of a non-additive "model".
 * - A bootstrap over masks estimates the same quantity but needs hundreds of refits; the
 *   analytic form costs one (heads+1)^3 inverse plus a pass over the masks, a few
 *   milliseconds for 64 heads.
 *
 * X has a leading column of ones (the intercept); P = ridge * n on the weights only, as in
 * RidgeAccumulator.solve. df = tr(A^-1 X'X), the ridge fit's effective degrees of freedom.
 * Only the training masks (not the held-out ones) enter, as in the fit.
 */
import { solveSpd } from "./linalg";
import { isHeldOut, maskRow, type MaskSet } from "./masks";
import { RidgeAccumulator } from "./ridge";

export type CovarianceEstimator = "sandwich" | "classic";

export interface CoefficientSeOptions {
  /** Ridge penalty per mask, as in AttributionSettings.ridge. */
  ridge: number;
  /** Held-out fraction; those masks are left out exactly as the fit leaves them out. */
  holdout: number;
  /** "sandwich" (default, see above) or "classic" (sigma^2 A^-1 X'X A^-1). */
  estimator?: CovarianceEstimator;
}

/**
 * One standard error per head (layer-major, same order as the scores). The SE of an
 * attribution score -w equals that of w. NaN everywhere when there are not more training
 * masks than fitted parameters (the residual variance is then undefined).
 */
export function coefficientStandardErrors(
  masks: MaskSet,
  targets: ArrayLike<number>,
  options: CoefficientSeOptions,
): Float64Array {
  const { size } = masks;
  const n = size + 1;
  const rows: number[] = [];
  for (let index = 0; index < masks.count; index++) {
    if (!isHeldOut(index, options.holdout)) rows.push(index);
  }
  const result = new Float64Array(size).fill(Number.NaN);

  const accumulator = new RidgeAccumulator(size);
  for (const index of rows) accumulator.add(maskRow(masks, index), targets[index]!);
  if (rows.length <= n) return result;
  const fit = accumulator.solve(options.ridge);

  // X'X and the sandwich's meat sum_i e_i^2 x_i x_i', touching only each mask's active heads.
  const gram = new Float64Array(n * n);
  const meat = new Float64Array(n * n);
  let residualSquares = 0;
  const active: number[] = [];
  for (const index of rows) {
    const row = maskRow(masks, index);
    active.length = 0;
    active.push(0);
    let predicted = fit.intercept;
    for (let k = 0; k < size; k++) {
      if (row[k] !== 0) {
        active.push(k + 1);
        predicted += fit.weights[k]! * row[k]!;
      }
    }
    const residual = targets[index]! - predicted;
    const squared = residual * residual;
    residualSquares += squared;
    for (const i of active) {
      const xi = i === 0 ? 1 : row[i - 1]!;
      for (const j of active) {
        const xj = j === 0 ? 1 : row[j - 1]!;
        gram[i * n + j]! += xi * xj;
        meat[i * n + j]! += squared * xi * xj;
      }
    }
  }

  const system = Float64Array.from(gram);
  const penalty = options.ridge * rows.length;
  for (let k = 1; k < n; k++) system[k * n + k]! += penalty;
  const inverse = invertSpd(system, n);

  // df = tr(A^-1 X'X).
  let df = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) df += inverse[i * n + j]! * gram[j * n + i]!;
  const dof = rows.length - df;
  if (!(dof > 0)) return result;

  const estimator = options.estimator ?? "sandwich";
  const middle =
    estimator === "classic" ? scaled(gram, residualSquares / dof) : scaled(meat, rows.length / dof);
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

function scaled(matrix: Float64Array, factor: number): Float64Array {
  return matrix.map((value) => value * factor);
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
