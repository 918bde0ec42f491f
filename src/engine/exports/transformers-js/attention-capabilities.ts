/**
 * The attention capabilities of a third-party model, known once its decoder is opened:
 * config.json alone cannot tell whether the graph could get the attention interface
 * (analysable-decoder.ts), so the capabilities derived from it are corrected here.
 */
import type { Capabilities } from "./config";

/** The note config.ts writes before the decoder is seen (replaced by what was found). */
const PROVISIONAL = /^attention weights and attention knockout /;

export function withAttention(
  capabilities: Capabilities,
  unavailable: string | undefined,
): Capabilities {
  const available = unavailable === undefined;
  const grouped = capabilities.headUnit === "kv-group";
  const note = available
    ? `attention weights and attention knockout come from the decoder's own attention, given an attention bias input and probability outputs at load${grouped ? "; weights are per key/value group, the mean of its query heads', and knockout blocks an edge in every query head of the group" : ""}`
    : `${unavailable}; the attention ranking, the head attention map and token-level flow are unavailable`;
  return {
    ...capabilities,
    attentionWeights: available,
    knockout: available,
    notes: [...capabilities.notes.filter((n) => !PROVISIONAL.test(n)), note],
  };
}
