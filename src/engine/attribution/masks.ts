import { mulberry32 } from "../math/random";

/**
 * A set of ablation masks: `count` rows of `size` entries (layer-major heads), 1 = the
 * head is ablated. Stored flat so a batch is a cheap subarray.
 */
export interface MaskSet {
  count: number;
  size: number;
  bits: Uint8Array;
}

/** Row `index` of a mask set (a view, not a copy). */
export function maskRow(masks: MaskSet, index: number): Uint8Array {
  return masks.bits.subarray(index * masks.size, (index + 1) * masks.size);
}

/**
 * Draws `count` masks where each head is ablated independently with probability `alpha`.
 * Draw order is mask-major, head-minor, one uniform number per entry, so the result
 * depends only on (seed, count, size, alpha).
 */
export function sampleMasks(count: number, size: number, alpha: number, seed: number): MaskSet {
  const random = mulberry32(seed);
  const bits = new Uint8Array(count * size);
  for (let i = 0; i < bits.length; i++) bits[i] = random() < alpha ? 1 : 0;
  return { count, size, bits };
}

/** A single mask with the listed flat head indices ablated. */
export function maskOf(size: number, ablated: Iterable<number>): Uint8Array {
  const mask = new Uint8Array(size);
  for (const index of ablated) mask[index] = 1;
  return mask;
}

/**
 * Whether mask `index` belongs to the held-out set. Held-out masks are spread evenly
 * through the sequence (not the last ones) so that partial estimates during a run can
 * already report a held-out correlation.
 */
export function isHeldOut(index: number, fraction: number): boolean {
  return Math.floor((index + 1) * fraction) > Math.floor(index * fraction);
}
