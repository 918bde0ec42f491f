/**
 * Which image patches each text token reads: for every token after the image, its
 * attention to each image patch in the clean run, averaged over every layer and head. The
 * token flow view lights patches by it when a token is hovered (and the reverse). A mean
 * over all heads is a summary, not an effect: the knockout curves measure effects.
 *
 * When the prefill carries an image layout (a tiled or newline-bearing block, prefill.ts),
 * the patches are the layout's display cells: each covering position's attention is
 * spread evenly over the cells it covers (as the contribution map's drops are), and the
 * tokens between tiles, which cover no cell, are left out.
 */
import type { Prefilled } from "../../model/prefill";
import { spreadOverCells, coveringOffsets } from "../object-background/layout-regions";

export interface TokenAttention {
  /** Absolute prompt positions of the text after the image, in order. */
  positions: number[];
  /** `[token][patch]`: mean attention (over layers and heads) to each image patch (cell). */
  attention: number[][];
}

/**
 * `attentions[layer]` is the analysis graph's `[1, heads, suffixLength, total]` output for
 * the suffix run over the prefix + image cache (clean-attentions.ts).
 */
export function textToImageAttention(
  attentions: readonly Float32Array[],
  prefilled: Prefilled,
  heads: number,
): TokenAttention {
  const { imageStart, imageEnd } = prefilled.prompt;
  const length = prefilled.suffixLength;
  const cached = prefilled.cache.length;
  const total = cached + length;
  const patches = imageEnd - imageStart;
  const layers = attentions.length;
  if (layers === 0) throw new Error("textToImageAttention: no attention layers");
  const attention = Array.from({ length }, (_, q) => {
    const sums = new Float64Array(patches);
    for (const layer of attentions) {
      if (layer.length !== heads * length * total) {
        throw new Error(
          `textToImageAttention: a layer holds ${layer.length} weights, expected ${heads * length * total}`,
        );
      }
      for (let h = 0; h < heads; h++) {
        const row = (h * length + q) * total + imageStart;
        for (let p = 0; p < patches; p++) sums[p]! += layer[row + p]!;
      }
    }
    return Array.from(sums, (sum) => sum / (layers * heads));
  });
  const layout = prefilled.imageLayout;
  if (typeof layout === "object") {
    const covering = coveringOffsets(layout);
    const cells = attention.map((row) =>
      spreadOverCells(
        layout,
        covering.map((k) => row[k]!),
      ),
    );
    return { positions: Array.from({ length }, (_, q) => cached + q), attention: cells };
  }
  return { positions: Array.from({ length }, (_, q) => cached + q), attention };
}
