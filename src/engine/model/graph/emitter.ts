/**
 * Emits new nodes and constant initialisers into a graph under a name prefix, with names
 * that cannot collide with the graph's own (checked against every name already used).
 */
import {
  AttributeType,
  floatTensor,
  int64Tensor,
  type AttributeProto,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from "./onnx";

export type AttributeValue = number | number[] | { float: number };

function toAttribute(name: string, value: AttributeValue): AttributeProto {
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === "object") return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.INT, i: value };
}

/** Every tensor and node name a graph uses. */
export function usedNames(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const node of graph.node ?? []) {
    if (node.name) names.add(node.name);
    for (const n of [...(node.input ?? []), ...(node.output ?? [])]) if (n) names.add(n);
  }
  for (const list of [graph.initializer, graph.input, graph.output, graph.value_info])
    for (const item of list ?? []) if (item.name) names.add(item.name);
  return names;
}

export class Emitter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used: Set<string>;
  private readonly prefix: string;
  private readonly constants = new Map<string, string>();

  constructor(used: Set<string>, prefix: string) {
    this.used = used;
    this.prefix = prefix;
  }

  /** A fresh name `prefix/base` (with a counter when taken). */
  name(base: string): string {
    let name = `${this.prefix}/${base}`;
    for (let i = 1; this.used.has(name); i++) name = `${this.prefix}/${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /**
   * Adds a node; returns its output names (`outputs` given: those names, used as they are;
   * otherwise `count` fresh ones).
   */
  node(
    opType: string,
    inputs: string[],
    options: {
      attributes?: Record<string, AttributeValue>;
      outputs?: string[];
      count?: number;
    } = {},
  ): string[] {
    const outputs =
      options.outputs ??
      Array.from({ length: options.count ?? 1 }, (_, i) => this.name(`${opType}_out${i}`));
    this.nodes.push({
      name: this.name(opType),
      op_type: opType,
      domain: "",
      input: inputs,
      output: outputs,
      attribute: Object.entries(options.attributes ?? {}).map(([k, v]) => toAttribute(k, v)),
    });
    return outputs;
  }

  /** Adds a node with one output and returns its name. */
  op(opType: string, inputs: string[], attributes?: Record<string, AttributeValue>): string {
    return this.node(opType, inputs, attributes ? { attributes } : {})[0]!;
  }

  /** An int64 constant (shared between uses with the same values and shape). */
  int64(values: number[], dims: number[] = [values.length]): string {
    return this.constant("i64", values, dims, int64Tensor);
  }

  /** A float32 constant (shared between uses). */
  float(values: number[], dims: number[] = [values.length]): string {
    return this.constant("f32", values, dims, floatTensor);
  }

  private constant(
    kind: string,
    values: number[],
    dims: number[],
    make: (name: string, dims: number[], values: number[]) => TensorProto,
  ): string {
    const key = `${kind}:${dims.join("x")}:${values.join(",")}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.name(`const_${kind}`);
      this.initializers.push(make(name, dims, values));
      this.constants.set(key, name);
    }
    return name;
  }
}
