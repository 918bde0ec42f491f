import { solveSpd } from "../math/linalg";

/** A fitted linear model y ~ intercept + sum_k weights[k] * m[k]. */
export interface LinearFit {
  intercept: number;
  weights: Float64Array;
}

/**
 * Accumulates the normal equations of y ~ b + w . m one observation at a time, so a
 * streaming attribution can refit after every batch without keeping the design matrix.
 * Column 0 of the system is the intercept.
 */
export class RidgeAccumulator {
  readonly size: number;
  private readonly gram: Float64Array;
  private readonly moment: Float64Array;
  private observations = 0;

  constructor(size: number) {
    this.size = size;
    this.gram = new Float64Array((size + 1) * (size + 1));
    this.moment = new Float64Array(size + 1);
  }

  get count(): number {
    return this.observations;
  }

  add(features: ArrayLike<number>, target: number): void {
    const n = this.size + 1;
    // Masks are sparse 0/1 vectors: only the active columns (plus the intercept) touch
    // the Gram matrix.
    const active = [0];
    for (let k = 0; k < this.size; k++) if (features[k] !== 0) active.push(k + 1);
    for (const i of active) {
      const xi = i === 0 ? 1 : features[i - 1]!;
      this.moment[i]! += xi * target;
      for (const j of active) {
        const xj = j === 0 ? 1 : features[j - 1]!;
        this.gram[i * n + j]! += xi * xj;
      }
    }
    this.observations++;
  }

  /**
   * Least squares with a ridge penalty `ridge * count * |w|^2` on the weights (not on the
   * intercept). Scaling the penalty with the count keeps its relative strength fixed as
   * masks accumulate.
   */
  solve(ridge: number): LinearFit {
    const n = this.size + 1;
    if (this.observations === 0) throw new Error("RidgeAccumulator.solve: no observations");
    const system = Float64Array.from(this.gram);
    const penalty = ridge * this.observations;
    for (let k = 1; k < n; k++) system[k * n + k]! += penalty;
    const solution = solveSpd(system, this.moment, n);
    return { intercept: solution[0]!, weights: solution.subarray(1) };
  }
}

/** Prediction of a fit for one feature vector. */
export function predict(fit: LinearFit, features: ArrayLike<number>): number {
  let y = fit.intercept;
  for (let k = 0; k < fit.weights.length; k++) y += fit.weights[k]! * features[k]!;
  return y;
}
