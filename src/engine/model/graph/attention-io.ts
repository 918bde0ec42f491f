/**
 * The attention interface an analysable decoder adds per layer l: an input
 * `attention_bias.{l}` added to the attention scores before the softmax, and an output
 * `attentions.{l}` holding the softmax's probabilities, both
 * `[batch, heads, length, past + length]` with one row per query head.
 *
 * The bias's dimensions are its own symbols, so a run without a bias feeds one zero of
 * shape [1, 1, 1, 1]: it broadcasts over the scores (x + 0 = x, the clean run is
 * unchanged), and one session serves plain and analysis runs instead of two copies of the
 * weights. (A zero initialiser under the input's name would make the input optional, but
 * onnxruntime's JavaScript bindings list such inputs in no inputNames and do not pass
 * their feeds on: the bias was silently ignored.)
 */
import { attentionBias, attentions } from "../graph-names";
import { DataType, type GraphProto, type ValueInfoProto } from "./onnx";

/** float32 `[dims]`, each dimension named or fixed. */
function floatInfo(name: string, dims: (string | number)[]): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: DataType.FLOAT,
        shape: {
          dim: dims.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d })),
        },
      },
    },
  };
}

/**
 * Adds the `attention_bias.{l}` inputs and/or the
 * `attentions.{l}` outputs for every layer. `heads[l]` is layer l's query head count
 * when known (null: left symbolic).
 */
export function addAttentionInterface(
  graph: GraphProto,
  heads: readonly (number | null)[],
  options: { bias?: boolean; attentions?: boolean },
): void {
  if (options.bias) {
    // The bias's own dimension names: a [1, 1, 1, 1] zero must not contradict the
    // decoder's batch_size / sequence_length symbols.
    graph.input = [
      ...(graph.input ?? []),
      ...heads.map((_, l) =>
        floatInfo(attentionBias(l), ["bias_batch", "bias_heads", "bias_length", "bias_total"]),
      ),
    ];
  }
  if (options.attentions) {
    graph.output = [
      ...(graph.output ?? []),
      ...heads.map((h, l) =>
        floatInfo(attentions(l), [
          "batch_size",
          h ?? "heads",
          "sequence_length",
          "total_sequence_length",
        ]),
      ),
    ];
  }
}
