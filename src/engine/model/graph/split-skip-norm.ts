/**
 * onnxruntime's fused residual additions split back into an addition and a norm, so that
 * the residual stream between them is a tensor of its own (residual-stream.ts).
 *
 * The model builder (and onnxruntime's optimiser) writes each residual addition together
 * with the norm after it as one node: `SkipSimplifiedLayerNormalization(input, skip,
 * gamma[, bias])` or `SkipLayerNormalization(input, skip, gamma[, beta[, bias]])`
 * (com.microsoft), whose output 0 is the normed sum and output 3, where named, the sum
 * itself (contrib_defs.cc / skip_layer_norm.cc in onnxruntime). Each becomes
 * `Add(input, skip)` (then `Add(., bias)`) to the sum, and `SimplifiedLayerNormalization`
 * / `LayerNormalization` of it with the same epsilon over the last axis: the ops the
 * builder itself writes for the first layer's norm. Outputs 1 and 2 (mean, inverse
 * standard deviation, for training) must be unused.
 *
 * The fused kernel normalises the sum before rounding it to the graph's type; the split
 * graph normalises the rounded sum. That is the same for float32 up to the kernel's order
 * of summation, and within a float16 step for float16 graphs.
 */
import type { GraphProto, NodeProto } from "./onnx";
import { AttributeType } from "./onnx";

const SKIP_NORMS: Record<string, { norm: string; bias: number; beta: boolean }> = {
  SkipSimplifiedLayerNormalization: { norm: "SimplifiedLayerNormalization", bias: 3, beta: false },
  SkipLayerNormalization: { norm: "LayerNormalization", bias: 4, beta: true },
};

/** A fused node and the nodes it was split into, by the name of the sum it computes. */
export type SkipNormSplits = Map<string, { fused: NodeProto; split: NodeProto[] }>;

/**
 * `graph` with its fused skip norms split (the same graph object if it has none), and
 * each split by its sum's name, so that a derived graph can split only the node it must
 * (layer-entry.ts) and keep the fused kernel elsewhere; or why it cannot be split.
 */
export function splitSkipNorms(
  graph: GraphProto,
): { graph: GraphProto; splits: SkipNormSplits } | string {
  const nodes = graph.node ?? [];
  const splits: SkipNormSplits = new Map();
  if (!nodes.some((n) => n.domain === "com.microsoft" && SKIP_NORMS[n.op_type ?? ""]))
    return { graph, splits };
  const consumed = new Set(nodes.flatMap((n) => n.input ?? []));
  for (const o of graph.output ?? []) consumed.add(o.name ?? "");
  const node: NodeProto[] = [];
  let fresh = 0;
  for (const original of nodes) {
    const kind = original.domain === "com.microsoft" && SKIP_NORMS[original.op_type ?? ""];
    if (!kind) {
      node.push(original);
      continue;
    }
    const inputs = original.input ?? [];
    const outputs = original.output ?? [];
    const name = original.name || `headflow_skip_norm_${fresh}`;
    if ([outputs[1], outputs[2]].some((o) => o && consumed.has(o)))
      return `${name} (${original.op_type}) has its mean or inverse deviation read`;
    const [input, skip, gamma] = inputs;
    if (!input || !skip || !gamma) return `${name} (${original.op_type}) lacks an input`;
    const bias = inputs[kind.bias];
    const sum = outputs[3] || `headflow_skip_sum_${fresh++}`;
    const added = bias ? `${sum}_without_bias` : sum;
    const split: NodeProto[] = [
      { name: `${name}/headflow_add`, op_type: "Add", input: [input, skip], output: [added] },
    ];
    if (bias) {
      const addBias = { input: [added, bias], output: [sum] };
      split.push({ name: `${name}/headflow_bias`, op_type: "Add", ...addBias });
    }
    const epsilon = original.attribute?.find((a) => a.name === "epsilon");
    const beta = kind.beta ? inputs[3] : undefined;
    split.push({
      name: `${name}/headflow_norm`,
      op_type: kind.norm,
      domain: "",
      input: beta ? [sum, gamma, beta] : [sum, gamma],
      output: [outputs[0] ?? ""],
      attribute: [
        { name: "axis", type: AttributeType.INT, i: -1 },
        ...(epsilon ? [epsilon] : []),
        ...(kind.beta ? [] : [{ name: "stash_type", type: AttributeType.INT, i: 1 }]),
      ],
    });
    splits.set(sum, { fused: original, split });
    node.push(...split);
  }
  return { graph: { ...graph, node }, splits };
}
