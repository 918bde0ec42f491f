/**
 * The held-out check of a streaming fit without keeping the held-out masks: the Pearson r
 * of predicted vs actual targets needs only sums over the held-out set (of the masks, of
 * their outer products, of mask x target, of the targets and their squares), so memory
 * and the cost of one check stay fixed however many masks arrive (heads^2, not
 * held-out masks x heads).
 *
 * With p_i = w . m_i (the intercept shifts every prediction alike, so r ignores it):
 *   sum p = w . s,  sum p^2 = w' G w,  sum p y = w . t
 * where s = sum m, G = sum m m', t = sum m y. Targets are shifted by the first one seen
 * before summing, so the variance of targets far from zero does not cancel away.
 */
export class HeldOutStats {
  readonly size: number;
  private readonly sums: Float64Array;
  private readonly gram: Float64Array;
  private readonly cross: Float64Array;
  private shift = 0;
  private sumY = 0;
  private sumYY = 0;
  private observations = 0;

  constructor(size: number) {
    this.size = size;
    this.sums = new Float64Array(size);
    this.gram = new Float64Array(size * size);
    this.cross = new Float64Array(size);
  }

  get count(): number {
    return this.observations;
  }

  /** One held-out mask (0/1 entries, as the sampler draws them) and its target. */
  add(mask: ArrayLike<number>, target: number): void {
    if (this.observations === 0) this.shift = target;
    const y = target - this.shift;
    const size = this.size;
    // Masks are sparse: only the ablated heads touch the sums.
    const active: number[] = [];
    for (let k = 0; k < size; k++) if (mask[k] !== 0) active.push(k);
    for (const i of active) {
      const xi = mask[i]!;
      this.sums[i]! += xi;
      this.cross[i]! += xi * y;
      for (const j of active) this.gram[i * size + j]! += xi * mask[j]!;
    }
    this.sumY += y;
    this.sumYY += y * y;
    this.observations++;
  }

  /**
   * Pearson r between w . m and the target over the held-out masks; NaN when it is
   * undefined (fewer than two masks, or predictions or targets that do not vary).
   */
  correlation(weights: ArrayLike<number>): number {
    const n = this.observations;
    const size = this.size;
    if (n < 2) return Number.NaN;
    let sp = 0;
    let spy = 0;
    let spp = 0;
    for (let i = 0; i < size; i++) {
      const wi = weights[i]!;
      if (wi === 0) continue;
      sp += wi * this.sums[i]!;
      spy += wi * this.cross[i]!;
      let row = 0;
      for (let j = 0; j < size; j++) row += this.gram[i * size + j]! * weights[j]!;
      spp += wi * row;
    }
    const covariance = spy - (sp * this.sumY) / n;
    const predictedVariance = spp - (sp * sp) / n;
    const targetVariance = this.sumYY - (this.sumY * this.sumY) / n;
    // A variance that is zero up to rounding of its sums is zero: r is then undefined.
    if (!(predictedVariance > 1e-12 * spp) || !(targetVariance > 1e-12 * this.sumYY)) {
      return Number.NaN;
    }
    return covariance / Math.sqrt(predictedVariance * targetVariance);
  }
}
