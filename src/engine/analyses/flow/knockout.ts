/**
 * Attention knockout (after Geva et al. 2023, "Dissecting recall"): block the attention
 * edges from target positions (queries) to source positions (keys) in chosen layers, in
 * every head, through the analysis graph's `attention_bias` inputs, and read the final
 * position's logits.
 *
 * A blocked edge gets -1e9 added to its score, the value docs/BUNDLE.md and the engine's
 * whole-sequence check (whole-sequence.ts) use: finite, so a float32 softmax never sees
 * inf - inf, and exp(-1e9) is exactly 0. (A query whose every visible key is blocked would
 * keep its attention unchanged, since a constant shift cancels in the softmax; the token
 * groups never block a query's own position together with all others.)
 *
 * Positions before the earliest blocked query are unaffected by a knockout (attention is
 * causal), so each batch reuses the clean cache of those positions and runs only the rest:
 * for text targets that is the text after the image, as in the ablation runner.
 */
import type { KvCache } from "../../model/kv";
import type { Prefilled } from "../../model/prefill";
import type { VlmSession } from "../../model/session";

export const BLOCKED_EDGE = -1e9;

/** One knockout: edges target -> source blocked in `layers` (absolute positions). */
export interface Knockout {
  sources: readonly number[];
  targets: readonly number[];
  layers: readonly number[];
}

export class KnockoutRunner {
  readonly session: VlmSession;
  readonly prefilled: Prefilled;
  /** `[length, hiddenSize]` embeddings of the whole prompt. */
  private readonly embeds: Float32Array;

  /**
   * `imageFeatures`: `[imageTokens, hiddenSize]` from the vision encoder, needed only when
   * a knockout blocks queries at or before the image.
   */
  constructor(
    session: VlmSession,
    prefilled: Prefilled,
    prefixEmbeds: Float32Array,
    imageFeatures: Float32Array,
  ) {
    this.session = session;
    this.prefilled = prefilled;
    const d = session.dims.hiddenSize;
    const { imageStart, imageEnd, ids } = prefilled.prompt;
    this.embeds = new Float32Array(ids.length * d);
    this.embeds.set(prefixEmbeds.subarray(0, imageStart * d), 0);
    this.embeds.set(imageFeatures, imageStart * d);
    this.embeds.set(prefilled.suffixEmbeds, imageEnd * d);
  }

  /** Builds the runner for one image: prefill plus the embeddings a full-prompt run needs. */
  static async create(
    session: VlmSession,
    prefilled: Prefilled,
    pixelValues: Float32Array,
  ): Promise<KnockoutRunner> {
    const { ids, imageStart } = prefilled.prompt;
    const block = prefilled.blockEmbeds;
    if (block) {
      const start = imageStart * session.dims.hiddenSize;
      return new KnockoutRunner(session, prefilled, block, block.subarray(start));
    }
    const prefix =
      imageStart > 0 ? await session.embed(ids.slice(0, imageStart)) : new Float32Array(0);
    const features = await session.encodeImage(pixelValues, 1);
    return new KnockoutRunner(session, prefilled, prefix, features);
  }

  get length(): number {
    return this.prefilled.prompt.ids.length;
  }

  /** Final-position logits `[knockouts.length, vocab]`, `batchSize` knockouts per run. */
  async run(
    knockouts: readonly Knockout[],
    options: { batchSize?: number; signal?: AbortSignal; onBatch?: (done: number) => void } = {},
  ): Promise<Float32Array> {
    const vocab = this.session.dims.vocabSize;
    const batchSize = Math.max(1, options.batchSize ?? 16);
    const out = new Float32Array(knockouts.length * vocab);
    for (let at = 0; at < knockouts.length; at += batchSize) {
      options.signal?.throwIfAborted();
      const batch = knockouts.slice(at, at + batchSize);
      out.set(await this.runBatch(batch), at * vocab);
      options.onBatch?.(at + batch.length);
    }
    return out;
  }

  private async runBatch(batch: readonly Knockout[]): Promise<Float32Array> {
    const { layers, heads, hiddenSize: d } = this.session.dims;
    const total = this.length;
    const cached = this.prefilled.cache.length;
    // Earliest query any knockout in the batch changes; the clean cache covers the rest.
    let start = cached;
    for (const k of batch)
      if (k.layers.length > 0) for (const t of k.targets) start = Math.min(start, t);
    const length = total - start;
    const count = batch.length;
    const embeds = new Float32Array(count * length * d);
    const own = this.embeds.subarray(start * d);
    for (let b = 0; b < count; b++) embeds.set(own, b * length * d);
    const bias = knockoutBias(batch, layers, heads, start, total);
    const { logits } = await this.session.decodeAnalysis({
      embeds,
      batch: count,
      length,
      past: start > 0 ? tiledPrefix(this.prefilled.cache, start, count) : null,
      bias,
      logits: "last",
    });
    return logits;
  }
}

/**
 * The `attention_bias.{i}` inputs for a batch of knockouts over query positions
 * [start, total): per layer `[batch, heads, total - start, total]`, -1e9 on blocked edges.
 */
export function knockoutBias(
  batch: readonly Knockout[],
  layers: number,
  heads: number,
  start: number,
  total: number,
): Float32Array[] {
  const length = total - start;
  const bias = Array.from(
    { length: layers },
    () => new Float32Array(batch.length * heads * length * total),
  );
  batch.forEach((knockout, b) => {
    for (const l of knockout.layers) {
      for (const t of knockout.targets) {
        if (t < start) throw new Error(`knockoutBias: query ${t} lies before the start ${start}`);
        for (let h = 0; h < heads; h++) {
          const row = ((b * heads + h) * length + (t - start)) * total;
          // Causal attention: only earlier (or the same) positions are edges at all.
          for (const s of knockout.sources) if (s <= t) bias[l]![row + s] = BLOCKED_EDGE;
        }
      }
    }
  });
  return bias;
}

/** The first `length` positions of a batch-1 cache, repeated for `count` rows. */
function tiledPrefix(cache: KvCache, length: number, count: number): KvCache {
  const { heads, headDim } = cache;
  const cut = (layer: Float32Array) => {
    const out = new Float32Array(count * heads * length * headDim);
    for (let b = 0; b < count; b++) {
      for (let h = 0; h < heads; h++) {
        const from = h * cache.length * headDim;
        out.set(layer.subarray(from, from + length * headDim), (b * heads + h) * length * headDim);
      }
    }
    return out;
  };
  return {
    batch: count,
    heads,
    length,
    headDim,
    keys: cache.keys.map(cut),
    values: cache.values.map(cut),
  };
}
