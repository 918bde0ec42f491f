/**
 * Colours of a per-patch overlay: orange for positive values (a token reads the patch; the
 * answer needs it), blue for negative ones (blocking the patch helps the answer), alpha by
 * magnitude. Values are expected in [-1, 1] (scaled by the largest |value|).
 */
export function patchFill(value: number): string | null {
  if (!Number.isFinite(value) || value === 0) return null;
  const alpha = (0.85 * Math.min(1, Math.abs(value))).toFixed(3);
  return value > 0 ? `rgba(255, 140, 0, ${alpha})` : `rgba(40, 110, 230, ${alpha})`;
}

/** Values scaled to [-1, 1] by the largest magnitude (all zeros stay zeros). */
export function signedToUnit(values: readonly number[]): number[] {
  let max = 0;
  for (const v of values) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  return values.map((v) => (max > 0 && Number.isFinite(v) ? v / max : 0));
}
