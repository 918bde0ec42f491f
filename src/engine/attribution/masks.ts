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
 * The masks of a draw, described rather than stored: the same (seed, count, size, alpha)
 * always gives the same masks, so a pass over them can draw them again instead of keeping
 * count x size bytes.
 */
export interface MaskDraw {
  count: number;
  size: number;
  alpha: number;
  seed: number;
}

/**
 * Draws masks in order, a few at a time, where each head is ablated independently with
 * probability `alpha`. Draw order is mask-major, head-minor, one uniform number per entry,
 * so the masks depend only on (seed, size, alpha) and their position, however they are
 * split into calls.
 */
export class MaskSampler {
  private readonly random: () => number;
  private readonly size: number;
  private readonly alpha: number;

  constructor(size: number, alpha: number, seed: number) {
    this.random = mulberry32(seed);
    this.size = size;
    this.alpha = alpha;
  }

  /** The next `count` masks, rows back to back. */
  next(count: number): Uint8Array {
    const bits = new Uint8Array(count * this.size);
    for (let i = 0; i < bits.length; i++) bits[i] = this.random() < this.alpha ? 1 : 0;
    return bits;
  }
}

/** Draws `count` masks at once (MaskSampler's masks, kept). */
export function sampleMasks(count: number, size: number, alpha: number, seed: number): MaskSet {
  return { count, size, bits: new MaskSampler(size, alpha, seed).next(count) };
}

/** Masks drawn again per pass in blocks of this many, so a pass holds one block at a time. */
const REDRAW_BLOCK = 4096;

/** Visits every mask of a set or a draw in order, with its index (a view, not a copy). */
export function forEachMask(
  masks: MaskSet | MaskDraw,
  visit: (row: Uint8Array, index: number) => void,
): void {
  const { count, size } = masks;
  if ("bits" in masks) {
    for (let index = 0; index < count; index++) visit(maskRow(masks, index), index);
    return;
  }
  const sampler = new MaskSampler(size, masks.alpha, masks.seed);
  for (let start = 0; start < count; start += REDRAW_BLOCK) {
    const block = Math.min(REDRAW_BLOCK, count - start);
    const bits = sampler.next(block);
    for (let i = 0; i < block; i++) visit(bits.subarray(i * size, (i + 1) * size), start + i);
  }
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
