/**
 * Graphs derived from a bundle's decoder so that an ablation run can enter the decoder at
 * its first ablated layer. Before that layer nothing differs from the clean run: every
 * text token's hidden state there equals the clean one, so it is computed once per image
 * and fed in, and the layers below are skipped. With alpha = 0.05 and 8 heads per layer,
 * a layer is untouched with probability 0.95^8 = 0.66, so this skips about 1.9 of 8
 * layers per mask on average.
 *
 * Two derived graphs, both cut out of the bundle's own decoder, so the weights and the
 * operations are the very ones the full decoder runs:
 * - `entryGraph(model, l)`: the decoder from layer l on. `inputs_embeds` now carries the
 *   residual stream entering layer l (l >= 1); only `logits` is an output, for the final
 *   position only, and nodes that do not feed it (the layers below l, the position
 *   embedding, `present.*`, the last layer's work for the other positions) are removed.
 * - `residualsGraph(model)`: the decoder plus outputs `residual.{l}`: the residual stream
 *   entering each layer l = 1..L-1.
 *
 * The residual stream entering layer l is the first input of the first LayerNormalization
 * node named `/lm/layers.{l}/...`: the module scopes torch.onnx writes for HeadFlow's
 * exporter (training/export.py). A bundle without them, or with control-flow nodes, gets
 * `null` and the engine runs the whole decoder as before.
 *
 * Editing is done on the protobuf wire format: every field not edited is copied byte for
 * byte, so nothing of the model (opsets, attributes, initialiser data) is lost. A schema
 * library such as protobufjs would need the whole onnx.proto to re-encode without loss.
 */
import { residual } from "./graph-names";

interface Field {
  number: number;
  wire: number;
  /** The whole field, tag included. */
  start: number;
  end: number;
  /** The payload of a length-delimited field. */
  valueStart: number;
}

function readVarint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length; i++) {
    const byte = bytes[i]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, i + 1];
    scale *= 128;
  }
  throw new Error("layer entry: truncated varint in the ONNX model");
}

function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const [tag, afterTag] = readVarint(bytes, at);
    const wire = tag % 8;
    let valueStart = afterTag;
    if (wire === 0) at = readVarint(bytes, afterTag)[1];
    else if (wire === 1) at = afterTag + 8;
    else if (wire === 5) at = afterTag + 4;
    else if (wire === 2) {
      const [length, afterLength] = readVarint(bytes, afterTag);
      valueStart = afterLength;
      at = afterLength + length;
    } else throw new Error(`layer entry: unsupported protobuf wire type ${wire}`);
    if (at > bytes.length) throw new Error("layer entry: truncated field in the ONNX model");
    out.push({ number: Math.floor(tag / 8), wire, start, end: at, valueStart });
  }
  return out;
}

const utf8 = new TextDecoder();
const encoder = new TextEncoder();
const payload = (bytes: Uint8Array, f: Field) => bytes.subarray(f.valueStart, f.end);
const text = (bytes: Uint8Array, f: Field) => utf8.decode(payload(bytes, f));

function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

/** A length-delimited field: tag, length, payload. */
function delimited(number: number, body: Uint8Array): Uint8Array {
  const head = [...varint(number * 8 + 2), ...varint(body.length)];
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// Field numbers of onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };
const ATTRIBUTE_GRAPHS = [6, 11]; // g, graphs
const TENSOR_NAME = 8;
const VALUE_INFO_NAME = 1;

interface NodeInfo {
  field: Field;
  inputs: string[];
  outputs: string[];
  name: string;
  opType: string;
  hasSubgraph: boolean;
}

/** A decoder model parsed once, for deriving several graphs from it. */
export type DecoderParts = GraphParts;

interface GraphParts {
  model: Uint8Array;
  modelFields: Field[];
  graphField: Field;
  graph: Uint8Array;
  graphFields: Field[];
  nodes: NodeInfo[];
}

/** Parses a decoder model for `entryGraph` / `residualsGraph`; null if it is not usable. */
export function parseGraph(model: Uint8Array): GraphParts | null {
  const modelFields = fields(model);
  const graphField = modelFields.find((f) => f.number === MODEL_GRAPH && f.wire === 2);
  if (!graphField) return null;
  const graph = payload(model, graphField);
  const graphFields = fields(graph);
  const nodes = graphFields
    .filter((f) => f.number === GRAPH.node)
    .map((field) => {
      const body = payload(graph, field);
      const info: NodeInfo = {
        field,
        inputs: [],
        outputs: [],
        name: "",
        opType: "",
        hasSubgraph: false,
      };
      for (const f of fields(body)) {
        if (f.number === NODE.input) info.inputs.push(text(body, f));
        else if (f.number === NODE.output) info.outputs.push(text(body, f));
        else if (f.number === NODE.name) info.name = text(body, f);
        else if (f.number === NODE.opType) info.opType = text(body, f);
        else if (f.number === NODE.attribute) {
          const attribute = payload(body, f);
          if (fields(attribute).some((a) => ATTRIBUTE_GRAPHS.includes(a.number)))
            info.hasSubgraph = true;
        }
      }
      return info;
    });
  if (nodes.some((n) => n.hasSubgraph)) return null;
  return { model, modelFields, graphField, graph, graphFields, nodes };
}

/** The tensor entering layer `layer` (see the header), or null if it cannot be found. */
function residualInput(parts: GraphParts, layer: number): string | null {
  const prefix = `/lm/layers.${layer}/`;
  const norm = parts.nodes.find(
    (n) => n.name.startsWith(prefix) && n.opType === "LayerNormalization",
  );
  const tensor = norm?.inputs[0];
  if (!tensor) return null;
  // It must come from outside the layer and also feed the layer's residual addition.
  const producer = parts.nodes.find((n) => n.outputs.includes(tensor));
  const residualAdd = parts.nodes.some(
    (n) => n.name.startsWith(prefix) && n.opType === "Add" && n.inputs.includes(tensor),
  );
  if (producer?.name.startsWith(prefix) || !residualAdd) return null;
  return tensor;
}

function nameOf(graph: Uint8Array, f: Field, nameField: number): string {
  const body = payload(graph, f);
  const name = fields(body).find((g) => g.number === nameField);
  return name ? text(body, name) : "";
}

/** A ValueInfoProto field like `template`, renamed. */
function renamedValueInfo(graph: Uint8Array, template: Field, name: string): Uint8Array {
  const body = payload(graph, template);
  const parts = fields(body).map((f) =>
    f.number === VALUE_INFO_NAME
      ? delimited(VALUE_INFO_NAME, encoder.encode(name))
      : body.subarray(f.start, f.end),
  );
  return delimited(GRAPH.output, concat(parts));
}

function rebuildModel(parts: GraphParts, graphBody: Uint8Array): Uint8Array {
  const { model, modelFields, graphField } = parts;
  return concat(
    modelFields.map((f) =>
      f === graphField ? delimited(MODEL_GRAPH, graphBody) : model.subarray(f.start, f.end),
    ),
  );
}

/** An int64 initialiser (TensorProto: dims, data_type INT64, name, raw_data). */
function int64Initializer(name: string, values: bigint[]): Uint8Array {
  const raw = new Uint8Array(8 * values.length);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  return delimited(
    GRAPH.initializer,
    concat([
      new Uint8Array([8, ...varint(values.length)]), // dims
      new Uint8Array([16, 7]), // data_type = INT64
      delimited(TENSOR_NAME, encoder.encode(name)),
      delimited(9, raw), // raw_data
    ]),
  );
}

function nodeProto(opType: string, name: string, inputs: string[], outputs: string[]): Uint8Array {
  return delimited(
    GRAPH.node,
    concat([
      ...inputs.map((i) => delimited(NODE.input, encoder.encode(i))),
      ...outputs.map((o) => delimited(NODE.output, encoder.encode(o))),
      delimited(NODE.name, encoder.encode(name)),
      delimited(NODE.opType, encoder.encode(opType)),
    ]),
  );
}

/** A node with its inputs replaced as `rename` says. */
function renameInputs(graph: Uint8Array, node: NodeInfo, rename: (name: string) => string) {
  const body = payload(graph, node.field);
  const parts = fields(body).map((f) =>
    f.number === NODE.input && rename(text(body, f)) !== text(body, f)
      ? delimited(NODE.input, encoder.encode(rename(text(body, f))))
      : body.subarray(f.start, f.end),
  );
  return delimited(GRAPH.node, concat(parts));
}

const SLICE = {
  starts: "headflow_last_starts",
  ends: "headflow_last_ends",
  tokens: "headflow_last_axis_tokens",
  queries: "headflow_last_axis_queries",
};

/**
 * In the last layer only the final position's output reaches the logits that are read.
 * Its keys and values are still needed for every position, but its query, attention
 * output, MLP, final norm and LM head only for the last one: Slice nodes cut the query
 * input, the causal-bias row and the residual to the last position (every reshape in the
 * layer takes its sizes from its own tensor, so the rest follows). Returns the tensors to
 * slice, or null if the layer is not recognised.
 */
function lastPositionCuts(
  parts: GraphParts,
  last: number,
  residual: string,
): { tensor: string; axis: string; consumers: NodeInfo[] }[] | null {
  const prefix = `/lm/layers.${last}/`;
  const inLayer = parts.nodes.filter((n) => n.name.startsWith(prefix));
  const norm = inLayer.find((n) => n.opType === "LayerNormalization");
  const query = inLayer.find((n) => n.name === `${prefix}attn/q/MatMul`);
  const residualAdd = inLayer.find((n) => n.opType === "Add" && n.inputs.includes(residual));
  const produced = new Set(inLayer.flatMap((n) => n.outputs));
  // scores + causal bias: the bias comes from outside the layer (shared by all layers).
  const biasAdd = inLayer.find(
    (n) => n.name === `${prefix}attn/Add` && n.inputs.length === 2 && !produced.has(n.inputs[1]!),
  );
  const normOut = norm?.outputs[0];
  if (!norm || !query || !residualAdd || !biasAdd || !normOut || query.inputs[0] !== normOut)
    return null;
  return [
    { tensor: normOut, axis: SLICE.tokens, consumers: [query] },
    { tensor: biasAdd.inputs[1]!, axis: SLICE.queries, consumers: [biasAdd] },
    { tensor: residual, axis: SLICE.tokens, consumers: [residualAdd] },
  ];
}

/**
 * The decoder entered at layer `layer`: for layer >= 1 `inputs_embeds` is the residual
 * stream entering that layer. The only output is `logits`, for the final position only
 * (`[batch, 1, vocab]`). Null if the graph is not recognised.
 */
export function entryGraph(model: Uint8Array | DecoderParts, layer: number): Uint8Array | null {
  const parts = model instanceof Uint8Array ? parseGraph(model) : model;
  if (!parts || layer < 0) return null;
  const layers = countLayers(parts);
  if (layer >= layers) return null;
  const residual = layer === 0 ? null : residualInput(parts, layer);
  if (layer > 0 && !residual) return null;
  const lastResidual = residualInput(parts, layers - 1);
  const cuts = lastResidual && lastPositionCuts(parts, layers - 1, lastResidual);
  if (!cuts) return null;
  const { graph, graphFields, nodes } = parts;
  const entered = (name: string) => (name === residual ? "inputs_embeds" : name);
  const sliced = new Map<NodeInfo, Map<string, string>>();
  cuts.forEach((cut, i) => {
    for (const node of cut.consumers) {
      const map = sliced.get(node) ?? new Map<string, string>();
      map.set(cut.tensor, `headflow_last_${i}`);
      sliced.set(node, map);
    }
  });
  const inputOf = (node: NodeInfo) => (name: string) =>
    sliced.get(node)?.get(name) ?? entered(name);
  // Keep the nodes `logits` depends on (through the Slice nodes: their inputs count).
  const needed = new Set(["logits", SLICE.starts, SLICE.ends, SLICE.tokens, SLICE.queries]);
  const keep = new Set<NodeInfo>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!node.outputs.some((o) => o !== "" && needed.has(o))) continue;
    keep.add(node);
    for (const input of node.inputs) if (input !== "") needed.add(inputOf(node)(input));
    for (const [, name] of sliced.get(node) ?? []) {
      const cut = cuts[Number(name.slice("headflow_last_".length))]!;
      needed.add(entered(cut.tensor));
    }
  }
  if (residual && !needed.has("inputs_embeds")) return null;
  const body: Uint8Array[] = [];
  const nodeByField = new Map(nodes.map((n) => [n.field, n]));
  const emitted = new Set<number>();
  let initialisersPlaced = false;
  for (const f of graphFields) {
    const node = nodeByField.get(f);
    if (node) {
      if (!keep.has(node)) continue;
      // A Slice goes right before its first consumer, so the node order stays topological.
      for (const [, name] of sliced.get(node) ?? []) {
        const index = Number(name.slice("headflow_last_".length));
        if (emitted.has(index)) continue;
        emitted.add(index);
        const cut = cuts[index]!;
        body.push(
          nodeProto(
            "Slice",
            `headflow_last_slice_${index}`,
            [entered(cut.tensor), SLICE.starts, SLICE.ends, cut.axis],
            [name],
          ),
        );
      }
      const rename = inputOf(node);
      body.push(
        node.inputs.some((i) => rename(i) !== i)
          ? renameInputs(graph, node, rename)
          : graph.subarray(f.start, f.end),
      );
    } else if (f.number === GRAPH.initializer) {
      if (!initialisersPlaced) {
        body.push(
          int64Initializer(SLICE.starts, [-1n]),
          int64Initializer(SLICE.ends, [BigInt("9223372036854775807")]),
          int64Initializer(SLICE.tokens, [1n]),
          int64Initializer(SLICE.queries, [2n]),
        );
        initialisersPlaced = true;
      }
      if (needed.has(nameOf(graph, f, TENSOR_NAME))) body.push(graph.subarray(f.start, f.end));
    } else if (f.number === GRAPH.output) {
      if (nameOf(graph, f, VALUE_INFO_NAME) === "logits") body.push(graph.subarray(f.start, f.end));
    } else if (f.number === GRAPH.valueInfo) {
      if (needed.has(nameOf(graph, f, VALUE_INFO_NAME))) body.push(graph.subarray(f.start, f.end));
    } else body.push(graph.subarray(f.start, f.end));
  }
  if (!initialisersPlaced || emitted.size !== cuts.length) return null;
  return rebuildModel(parts, concat(body));
}

/** The number of decoder layers: one past the highest `/lm/layers.{l}/` in node names. */
function countLayers(parts: GraphParts): number {
  let layers = 0;
  for (const node of parts.nodes) {
    const match = /^\/lm\/layers\.(\d+)\//.exec(node.name);
    if (match) layers = Math.max(layers, Number(match[1]) + 1);
  }
  return layers;
}

/**
 * The decoder with extra outputs `residual.{l}` (l = 1..layers-1): the residual stream
 * entering layer l, shaped like `inputs_embeds`. Null if the graph is not recognised.
 */
export function residualsGraph(
  model: Uint8Array | DecoderParts,
  layers: number,
): Uint8Array | null {
  const parts = model instanceof Uint8Array ? parseGraph(model) : model;
  if (!parts) return null;
  const residuals: string[] = [];
  for (let l = 1; l < layers; l++) {
    const residual = residualInput(parts, l);
    if (!residual) return null;
    residuals.push(residual);
  }
  const { graph, graphFields } = parts;
  const template = graphFields.find(
    (f) => f.number === GRAPH.input && nameOf(graph, f, VALUE_INFO_NAME) === "inputs_embeds",
  );
  if (!template) return null;
  // An Identity per residual gives the new outputs their own names.
  const identities = residuals.map((tensor, i) =>
    delimited(
      GRAPH.node,
      concat([
        delimited(NODE.input, encoder.encode(tensor)),
        delimited(NODE.output, encoder.encode(residual(i + 1))),
        delimited(NODE.name, encoder.encode(`headflow_residual_${i + 1}`)),
        delimited(NODE.opType, encoder.encode("Identity")),
      ]),
    ),
  );
  const outputs = residuals.map((_, i) => renamedValueInfo(graph, template, residual(i + 1)));
  const body: Uint8Array[] = [];
  let placedNodes = false;
  let placedOutputs = false;
  for (const f of graphFields) {
    // New nodes go after the last node, new outputs after the last output.
    if (
      placedNodes === false &&
      f.number !== GRAPH.node &&
      f.start > lastOf(graphFields, GRAPH.node)
    ) {
      body.push(...identities);
      placedNodes = true;
    }
    body.push(graph.subarray(f.start, f.end));
    if (f.number === GRAPH.output && f.start === lastOf(graphFields, GRAPH.output)) {
      body.push(...outputs);
      placedOutputs = true;
    }
  }
  if (!placedNodes) body.push(...identities);
  if (!placedOutputs) body.push(...outputs);
  return rebuildModel(parts, concat(body));
}

function lastOf(list: Field[], number: number): number {
  let last = -1;
  for (const f of list) if (f.number === number) last = f.start;
  return last;
}
