/**
 * Which layers get an entry graph when memory is bounded. Each entry graph
 * (layer-entry.ts) is its own onnxruntime session holding its own copy of the weights
 * from its layer on, LM head included: for a SmolVLM-256M-shaped decoder every one costs
 * at least the LM head (49,280 x 576 floats, 114 MB in float32), so one per layer (30)
 * would hold many times the decoder. Within a byte budget the layers are picked for the
 * layers they let masks skip: a mask whose first ablated layer is f enters at the latest
 * chosen layer at or below f (the run is exact from any of them).
 *
 * Masks ablate each head with probability alpha, so a layer of `heads` heads is untouched
 * with probability q = (1 - alpha)^heads and the first ablated layer is f with odds
 * q^f (1 - q). Layer 0 comes first when it fits and the graphs cut the logits: entering
 * there runs the whole decoder but computes the LM head at the final position only. Then, greedily, the layer that adds
 * the most expected skipped layers per byte, while the total stays within the budget.
 */

export interface EntryChoice {
  /** Entry graph bytes per layer (null: no entry graph there). */
  sizes: (number | null)[];
  budgetBytes: number;
  /** Probability that a mask leaves one layer untouched: (1 - alpha)^heads. */
  untouched: number;
  /**
   * Whether the entry graphs compute the final position only. Without that, entering at
   * layer 0 is the whole decoder again, worth no memory.
   */
  finalOnly?: boolean;
}

/** The chosen layers, ascending. */
export function chooseEntryLayers({
  sizes,
  budgetBytes,
  untouched,
  finalOnly = true,
}: EntryChoice): number[] {
  const layers = sizes.length;
  const odds = sizes.map((_, f) => untouched ** f * (1 - untouched));
  const skipped = (chosen: number[]) => {
    let total = 0;
    for (let f = 0; f < layers; f++) {
      let entry = 0;
      for (const e of chosen) if (e <= f) entry = Math.max(entry, e);
      total += odds[f]! * entry;
    }
    return total;
  };
  const chosen: number[] = [];
  let used = 0;
  const fits = (layer: number) => sizes[layer] != null && used + sizes[layer]! <= budgetBytes;
  if (layers > 0 && finalOnly && fits(0)) {
    chosen.push(0);
    used += sizes[0]!;
  }
  for (;;) {
    const base = skipped(chosen);
    let best = -1;
    let bestRate = 0;
    for (let l = 1; l < layers; l++) {
      if (chosen.includes(l) || !fits(l)) continue;
      const rate = (skipped([...chosen, l]) - base) / Math.max(1, sizes[l]!);
      if (rate > bestRate) [best, bestRate] = [l, rate];
    }
    if (best < 0) break;
    chosen.push(best);
    used += sizes[best]!;
  }
  return chosen.sort((a, b) => a - b);
}

/** The layer a mask whose first ablated layer is `first` enters at; -1: none (whole decoder). */
export function entryFor(chosen: readonly number[], first: number): number {
  let entry = -1;
  for (const e of chosen) if (e <= first) entry = Math.max(entry, e);
  return entry;
}
