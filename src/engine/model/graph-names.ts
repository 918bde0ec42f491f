/**
 * Every tensor name the engine feeds to or fetches from a decoder graph, named once with
 * its shape (after TransformerLens's hook names). Graphs follow transformers.js's layout
 * (docs/BUNDLE.md); `attention_bias.{l}` and `attentions.{l}` exist only in the bundle's
 * analysis graph, `residual.{l}` only in graphs derived by layer-entry.ts.
 */

/** `[batch, kvHeads, pastLength, headDim]`: layer l's cached keys, fed to the decoder. */
export const pastKey = (layer: number) => `past_key_values.${layer}.key`;
/** `[batch, kvHeads, pastLength, headDim]`: layer l's cached values, fed to the decoder. */
export const pastValue = (layer: number) => `past_key_values.${layer}.value`;
/** `[batch, kvHeads, pastLength + length, headDim]`: layer l's keys after this run. */
export const presentKey = (layer: number) => `present.${layer}.key`;
/** `[batch, kvHeads, pastLength + length, headDim]`: layer l's values after this run. */
export const presentValue = (layer: number) => `present.${layer}.value`;
/** `[batch, heads, length, pastLength + length]`: added to layer l's attention scores. */
export const attentionBias = (layer: number) => `attention_bias.${layer}`;
/** `[batch, heads, length, pastLength + length]`: layer l's post-softmax attention. */
export const attentions = (layer: number) => `attentions.${layer}`;
/** `[batch, length, hiddenSize]`: the residual stream entering layer l. */
export const residual = (layer: number) => `residual.${layer}`;

/** Past key and value names of every layer, in the order the graphs list them. */
export const pastNames = (layers: number) =>
  Array.from({ length: layers }, (_, l) => [pastKey(l), pastValue(l)]).flat();
/** Present key and value names of every layer, in the order the graphs list them. */
export const presentNames = (layers: number) =>
  Array.from({ length: layers }, (_, l) => [presentKey(l), presentValue(l)]).flat();
