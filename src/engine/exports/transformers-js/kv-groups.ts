/**
 * Attention in key/value groups. With grouped-query attention query head h reads key/value
 * head floor(h / group), group = queryHeads / kvHeads. Ablation replaces a key/value
 * head's cached rows, so it acts on the whole group, and a third-party session's
 * `dims.heads` is the key/value head count: every per-head analysis unit is a group. The
 * decoder graph's attention interface is per query head; these map between the two.
 */

export interface Groups {
  queryHeads: number;
  kvHeads: number;
}

/**
 * A bias `[batch, kvHeads, rows, cols]` as `[batch, queryHeads, rows, cols]`: every query
 * head gets its group's bias (blocking an edge for a group blocks it for each of its heads).
 * A bias already per query head is returned as it is.
 */
export function biasPerQueryHead(
  bias: Float32Array,
  { queryHeads, kvHeads }: Groups,
  batch: number,
  rows: number,
  cols: number,
  name: string,
): Float32Array {
  const plane = rows * cols;
  if (bias.length === batch * queryHeads * plane) return bias;
  if (bias.length !== batch * kvHeads * plane)
    throw new Error(
      `decode: ${name} has ${bias.length} values, expected ${batch * kvHeads * plane} ([${batch}, ${kvHeads}, ${rows}, ${cols}]) or ${batch * queryHeads * plane} per query head`,
    );
  const group = queryHeads / kvHeads;
  const out = new Float32Array(batch * queryHeads * plane);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < queryHeads; h++) {
      const from = (b * kvHeads + Math.floor(h / group)) * plane;
      out.set(bias.subarray(from, from + plane), (b * queryHeads + h) * plane);
    }
  }
  return out;
}

/**
 * Probabilities `[batch, queryHeads, rows, cols]` -> `[batch, kvHeads, rows, cols]`: the
 * mean over each group's query heads. Rows still sum to 1 and keep the causal zeros; it is
 * the attention of the unit ablation acts on.
 */
export function groupMean(
  attentions: Float32Array,
  { queryHeads, kvHeads }: Groups,
  batch: number,
  plane: number,
): Float32Array {
  if (attentions.length !== batch * queryHeads * plane)
    throw new Error(
      `the decoder returned ${attentions.length} attention weights, expected ${batch * queryHeads * plane} (${queryHeads} query heads)`,
    );
  if (queryHeads === kvHeads) return attentions;
  const group = queryHeads / kvHeads;
  const out = new Float32Array(batch * kvHeads * plane);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < queryHeads; h++) {
      const from = (b * queryHeads + h) * plane;
      const to = (b * kvHeads + Math.floor(h / group)) * plane;
      for (let i = 0; i < plane; i++) out[to + i]! += attentions[from + i]!;
    }
  }
  for (let i = 0; i < out.length; i++) out[i]! /= group;
  return out;
}
