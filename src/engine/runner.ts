/**
 * Batched ablation runs: for many masks, the final-position logits of the prompt with the
 * masked heads' image key/values replaced. Only the text after the image is run, as one
 * batch per `batchSize` masks, over the reused prefix + image cache.
 */
import { AblatedCacheBuilder } from "./ablation";
import type { ImageKv } from "./kv";
import type { Prefilled } from "./prefill";
import type { VlmSession } from "./session";

export interface MaskRunOptions {
  batchSize?: number;
  signal?: AbortSignal;
  /** Called after each batch with the number of masks done so far. */
  onBatch?: (done: number) => void;
}

export const DEFAULT_BATCH_SIZE = 32;

export class AblationRunner {
  readonly session: VlmSession;
  readonly prefilled: Prefilled;
  private readonly builder: AblatedCacheBuilder;
  private suffixTiles = new Map<number, Float32Array>();

  constructor(session: VlmSession, prefilled: Prefilled, baseline: ImageKv) {
    this.session = session;
    this.prefilled = prefilled;
    this.builder = new AblatedCacheBuilder(prefilled.cache, baseline, prefilled.prompt.imageStart);
  }

  /** Number of entries of one mask: layers x heads. */
  get maskSize(): number {
    return this.session.dims.layers * this.session.dims.heads;
  }

  /**
   * Final-position logits `[count, vocab]` for `count` masks stored back to back in
   * `masks`. Rows with no head ablated give the clean logits.
   */
  async run(masks: Uint8Array, count: number, options: MaskRunOptions = {}): Promise<Float32Array> {
    const vocab = this.session.dims.vocabSize;
    const size = this.maskSize;
    const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    const out = new Float32Array(count * vocab);
    for (let start = 0; start < count; start += batchSize) {
      options.signal?.throwIfAborted();
      const batch = Math.min(batchSize, count - start);
      const rows = masks.subarray(start * size, (start + batch) * size);
      const { logits } = await this.session.decode({
        embeds: this.suffixEmbeds(batch),
        batch,
        length: this.prefilled.suffixLength,
        past: this.builder.build(rows, batch),
        logits: "last",
      });
      out.set(logits, start * vocab);
      options.onBatch?.(start + batch);
    }
    return out;
  }

  private suffixEmbeds(batch: number): Float32Array {
    let tiled = this.suffixTiles.get(batch);
    if (!tiled) {
      const one = this.prefilled.suffixEmbeds;
      tiled = new Float32Array(batch * one.length);
      for (let b = 0; b < batch; b++) tiled.set(one, b * one.length);
      this.suffixTiles.set(batch, tiled);
    }
    return tiled;
  }
}
