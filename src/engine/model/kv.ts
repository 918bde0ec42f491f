/**
 * Key/value caches as flat float32 arrays, one per layer, each `[batch, heads, length,
 * headDim]` (the decoder's `present.{i}.key` layout).
 */
export interface KvCache {
  batch: number;
  heads: number;
  length: number;
  headDim: number;
  keys: Float32Array[];
  values: Float32Array[];
}

/**
 * The key/values of the image positions only, batch 1: per layer `[heads, imageTokens,
 * headDim]`. This is what a baseline is: what an ablated head reads instead.
 */
export interface ImageKv {
  heads: number;
  tokens: number;
  headDim: number;
  keys: Float32Array[];
  values: Float32Array[];
}

/** Copies positions [start, end) of batch row `row` out of a cache. */
export function sliceImageKv(cache: KvCache, start: number, end: number, row = 0): ImageKv {
  const { heads, length, headDim } = cache;
  const tokens = end - start;
  const cut = (layer: Float32Array) => {
    const out = new Float32Array(heads * tokens * headDim);
    for (let h = 0; h < heads; h++) {
      const from = ((row * heads + h) * length + start) * headDim;
      out.set(layer.subarray(from, from + tokens * headDim), h * tokens * headDim);
    }
    return out;
  };
  return { heads, tokens, headDim, keys: cache.keys.map(cut), values: cache.values.map(cut) };
}

/** Element-wise mean of several image key/value sets (the `mean` baseline). */
export function meanImageKv(sets: ImageKv[]): ImageKv {
  const first = sets[0];
  if (!first) throw new Error("meanImageKv: no key/value sets");
  const average = (pick: (kv: ImageKv) => Float32Array[]) =>
    pick(first).map((_, layer) => {
      const sum = new Float64Array(pick(first)[layer]!.length);
      for (const kv of sets) {
        const data = pick(kv)[layer]!;
        for (let i = 0; i < sum.length; i++) sum[i]! += data[i]!;
      }
      return Float32Array.from(sum, (x) => x / sets.length);
    });
  return { ...first, keys: average((kv) => kv.keys), values: average((kv) => kv.values) };
}
