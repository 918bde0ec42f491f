/**
 * Batched ablation runs: for many masks, the final-position logits of the prompt with the
 * masked heads' image key/values replaced. Only the text after the image is run, as one
 * batch per `batchSize` masks, over the reused prefix + image cache.
 *
 * When the session can enter the decoder at a later layer (layer-entry.ts), masks are
 * batched by their first ablated layer: up to that layer the text's hidden states are the
 * clean run's, computed once per image, so a batch runs only the layers from there on.
 * Masks with no head ablated get the clean logits without a run.
 */
import { AblatedCacheBuilder } from "./ablated-cache";
import type { ImageKv } from "../model/kv";
import type { Prefilled } from "../model/prefill";
import type { VlmSession } from "../model/session";

export interface MaskRunOptions {
  batchSize?: number;
  signal?: AbortSignal;
  /** Called after each batch with the number of masks done so far. */
  onBatch?: (done: number) => void;
}

export const DEFAULT_BATCH_SIZE = 32;

/**
 * Batches per call that a caller streaming results (attribution) should hand a runner that
 * groups by entry layer: enough masks that each layer's group fills whole batches.
 */
export const ENTRY_CHUNK_BATCHES = 8;

/** The clean run's residual stream entering each layer, and its logits. */
interface CleanRun {
  residuals: Float32Array[];
  logits: Float32Array;
}

export class AblationRunner {
  readonly session: VlmSession;
  readonly prefilled: Prefilled;
  private readonly builder: AblatedCacheBuilder;
  private readonly tiles = new Map<Float32Array, { batch: number; data: Float32Array }>();
  private clean: Promise<CleanRun | null> | null = null;

  constructor(session: VlmSession, prefilled: Prefilled, baseline: ImageKv) {
    this.session = session;
    this.prefilled = prefilled;
    this.builder = new AblatedCacheBuilder(prefilled.cache, baseline, prefilled.prompt.imageStart);
  }

  /** Number of entries of one mask: layers x heads. */
  get maskSize(): number {
    return this.session.dims.layers * this.session.dims.heads;
  }

  /** Whether masks are grouped by first ablated layer (the session can enter there). */
  async entersLayers(): Promise<boolean> {
    return (await this.cleanRun()) !== null;
  }

  /**
   * Final-position logits `[count, vocab]` for `count` masks stored back to back in
   * `masks`. Rows with no head ablated give the clean logits.
   */
  async run(masks: Uint8Array, count: number, options: MaskRunOptions = {}): Promise<Float32Array> {
    const clean = await this.cleanRun();
    return clean
      ? this.runByEntry(clean, masks, count, options)
      : this.runAll(masks, count, options);
  }

  /** Every mask through the whole decoder, in sampling order. */
  private async runAll(
    masks: Uint8Array,
    count: number,
    options: MaskRunOptions,
  ): Promise<Float32Array> {
    const vocab = this.session.dims.vocabSize;
    const size = this.maskSize;
    const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    const out = new Float32Array(count * vocab);
    for (let start = 0; start < count; start += batchSize) {
      options.signal?.throwIfAborted();
      const batch = Math.min(batchSize, count - start);
      const rows = masks.subarray(start * size, (start + batch) * size);
      out.set(await this.decode(rows, batch, 0, this.prefilled.suffixEmbeds, false), start * vocab);
      options.onBatch?.(start + batch);
    }
    return out;
  }

  /**
   * Masks sorted by first ablated layer (latest first) and cut into full batches; each
   * batch enters the decoder at the earliest first-ablated layer among its masks (or the
   * session's entry layer below it: `entryLayer`), which is exact for all of them. Full
   * batches keep the number of runs that of `runAll`.
   */
  private async runByEntry(
    clean: CleanRun,
    masks: Uint8Array,
    count: number,
    options: MaskRunOptions,
  ): Promise<Float32Array> {
    const { heads, vocabSize: vocab } = this.session.dims;
    const size = this.maskSize;
    const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    const out = new Float32Array(count * vocab);
    const firstLayer = new Int32Array(count);
    const order: number[] = [];
    let done = 0;
    for (let row = 0; row < count; row++) {
      const first = masks.subarray(row * size, (row + 1) * size).indexOf(1);
      if (first < 0) {
        out.set(clean.logits, row * vocab);
        done++;
      } else {
        const layer = Math.floor(first / heads);
        firstLayer[row] = this.session.entryLayer?.(layer) ?? layer;
        order.push(row);
      }
    }
    if (done > 0) options.onBatch?.(done);
    order.sort((a, b) => firstLayer[b]! - firstLayer[a]! || a - b);
    const rows = new Uint8Array(Math.min(batchSize, count) * size);
    for (let start = 0; start < order.length; start += batchSize) {
      options.signal?.throwIfAborted();
      const batch = Math.min(batchSize, order.length - start);
      for (let i = 0; i < batch; i++) {
        const row = order[start + i]!;
        rows.set(masks.subarray(row * size, (row + 1) * size), i * size);
      }
      const layer = firstLayer[order[start + batch - 1]!]!;
      // -1: no entry graph at or below the masks' first ablated layer.
      const logits =
        layer < 0
          ? await this.decode(rows, batch, 0, this.prefilled.suffixEmbeds, false)
          : await this.decode(rows, batch, layer, clean.residuals[layer]!);
      for (let i = 0; i < batch; i++)
        out.set(logits.subarray(i * vocab, (i + 1) * vocab), order[start + i]! * vocab);
      done += batch;
      options.onBatch?.(done);
    }
    return out;
  }

  /**
   * One batch of masks entering the decoder at `layer` with that layer's input `hidden`;
   * `entered`: through the layer-entry graphs (final position only), else the whole decoder.
   */
  private async decode(
    masks: Uint8Array,
    batch: number,
    layer: number,
    hidden: Float32Array,
    entered = true,
  ): Promise<Float32Array> {
    const { logits } = await this.session.decode({
      embeds: this.tiled(hidden, batch),
      batch,
      length: this.prefilled.suffixLength,
      past: this.builder.build(masks, batch),
      logits: "last",
      ...(entered ? { fromLayer: layer } : {}),
    });
    return logits;
  }

  /** The clean residual streams, once per runner; null without layer entry. */
  private cleanRun(): Promise<CleanRun | null> {
    this.clean ??= (async () => {
      if (!(await this.session.layerEntry?.())) return null;
      const { residuals, logits } = await this.session.decode({
        embeds: this.prefilled.suffixEmbeds,
        batch: 1,
        length: this.prefilled.suffixLength,
        past: this.prefilled.cache,
        logits: "last",
        wantResiduals: true,
      });
      return residuals ? { residuals, logits } : null;
    })();
    return this.clean;
  }

  /** `one` (`[1, length, hidden]`) repeated `batch` times, reused between batches. */
  private tiled(one: Float32Array, batch: number): Float32Array {
    let tile = this.tiles.get(one);
    if (!tile || tile.batch < batch) {
      const data = new Float32Array(batch * one.length);
      for (let b = 0; b < batch; b++) data.set(one, b * one.length);
      tile = { batch, data };
      this.tiles.set(one, tile);
    }
    return tile.batch === batch ? tile.data : tile.data.subarray(0, batch * one.length);
  }
}
