/**
 * Head ablation (docs/PAPER.md): ablating head (l, h) replaces the keys and values of
 * the image positions in that head, as read by every text token after the image, with a
 * baseline's. With the prefix + image cache computed once, this is a substitution in the
 * cache rows the suffix reads: exactly the paper's intervention, and nothing else changes.
 */
import type { ImageKv, KvCache } from "../model/kv";

/**
 * Builds the batched past cache for `count` masks (rows of `layers x heads` 0/1 entries):
 * each row is the clean cache with the image positions of ablated heads replaced by the
 * baseline's. Reuses its buffers between calls and only rewrites the (row, layer, head)
 * blocks whose ablation state changed, since copying caches is a real share of the cost.
 */
export class AblatedCacheBuilder {
  private readonly clean: KvCache;
  private readonly baseline: ImageKv;
  private readonly imageStart: number;
  private capacity = 0;
  private cache: KvCache | null = null;
  /** Per row, layer, head: whether the buffer currently holds the baseline block. */
  private state = new Uint8Array(0);

  constructor(clean: KvCache, baseline: ImageKv, imageStart: number) {
    if (clean.batch !== 1)
      throw new Error("AblatedCacheBuilder: the clean cache must have batch 1");
    if (baseline.tokens + imageStart > clean.length)
      throw new Error("AblatedCacheBuilder: baseline does not fit");
    this.clean = clean;
    this.baseline = baseline;
    this.imageStart = imageStart;
  }

  /** The cache for masks `masks[0 .. count)`; valid until the next call. */
  build(masks: Uint8Array, count: number): KvCache {
    const { heads, length, headDim } = this.clean;
    const layers = this.clean.keys.length;
    const heads2 = layers * heads;
    if (masks.length < count * heads2) throw new Error("AblatedCacheBuilder: too few mask entries");
    // Buffers only grow: a smaller batch uses the leading rows (batch is the outer axis).
    if (!this.cache || this.capacity < count) this.allocate(count);
    const cache = this.cache!;
    const rowSize = heads * length * headDim;
    const blockSize = this.baseline.tokens * headDim;
    for (let b = 0; b < count; b++) {
      for (let l = 0; l < layers; l++) {
        for (let h = 0; h < heads; h++) {
          const flat = l * heads + h;
          const want = masks[b * heads2 + flat]!;
          const stateIndex = b * heads2 + flat;
          if (this.state[stateIndex] === want) continue;
          this.state[stateIndex] = want;
          const at = b * rowSize + (h * length + this.imageStart) * headDim;
          const cleanAt = (h * length + this.imageStart) * headDim;
          const sourceKeys = want
            ? this.baseline.keys[l]!.subarray(h * blockSize, (h + 1) * blockSize)
            : this.clean.keys[l]!.subarray(cleanAt, cleanAt + blockSize);
          const sourceValues = want
            ? this.baseline.values[l]!.subarray(h * blockSize, (h + 1) * blockSize)
            : this.clean.values[l]!.subarray(cleanAt, cleanAt + blockSize);
          cache.keys[l]!.set(sourceKeys, at);
          cache.values[l]!.set(sourceValues, at);
        }
      }
    }
    if (count === this.capacity) return cache;
    const rows = (layer: Float32Array) => layer.subarray(0, count * rowSize);
    return { ...cache, batch: count, keys: cache.keys.map(rows), values: cache.values.map(rows) };
  }

  private allocate(count: number): void {
    const { heads, length, headDim } = this.clean;
    const tile = (layer: Float32Array) => {
      const out = new Float32Array(count * layer.length);
      for (let b = 0; b < count; b++) out.set(layer, b * layer.length);
      return out;
    };
    this.cache = {
      batch: count,
      heads,
      length,
      headDim,
      keys: this.clean.keys.map(tile),
      values: this.clean.values.map(tile),
    };
    this.capacity = count;
    this.state = new Uint8Array(count * this.clean.keys.length * heads);
  }
}
