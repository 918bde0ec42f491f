/**
 * Matrix-multiply FLOPs of decoder runs, counted from the model's shapes (2 FLOPs per
 * multiply-add; norms, softmax and activations are left out, so achieved GFLOP/s is a
 * slight underestimate of the work done).
 */
export interface DecoderShape {
  layers: number;
  hiddenSize: number;
  intermediateSize: number;
  vocabSize: number;
}

/**
 * FLOPs of running `length` new tokens after `past` cached positions (one sequence),
 * through the layers from `fromLayer` on (a run entered at a later layer). With
 * `finalOnly` (the layer-entry graphs) the last layer computes only keys and values for
 * all but the final position, and the logits are the final position's only.
 */
export function decoderFlops(
  shape: DecoderShape,
  past: number,
  length: number,
  fromLayer = 0,
  finalOnly = false,
): number {
  const { hiddenSize: d, intermediateSize: ff, vocabSize: v } = shape;
  const layers = shape.layers - fromLayer;
  let total = 0;
  for (let t = 0; t < length; t++) {
    const keys = past + t + 1;
    const projections = 2 * d * 3 * d + 2 * d * d; // q, k, v and output projections
    const mlp = 2 * 2 * d * ff;
    const attention = 2 * 2 * d * keys; // scores and weighted values, all heads together
    const full = projections + mlp + attention;
    if (finalOnly && t < length - 1) {
      total += (layers - 1) * full + 2 * d * 2 * d; // the last layer: keys and values only
    } else {
      total += layers * full + 2 * d * v; // + the logits of this position
    }
  }
  return total;
}
