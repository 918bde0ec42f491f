/**
 * ONNX models as plain objects, read and written by protobufjs's static codec generated
 * from onnx's own schema (onnx.proto3 -> onnx-static.js, make-onnx-static.ts). Field names are onnx.proto's (`op_type`,
 * `raw_data`). Decoding keeps every field the schema knows; byte fields such as an
 * initialiser's `raw_data` are views into the input (protobufjs reads bytes with
 * `subarray`), so tensors the editor does not touch are never copied until `encodeModel`
 * writes the new model.
 */
import { HeadflowError, errorMessage } from "../../errors";
import { onnx } from "./onnx-static.js";

/** protobufjs gives int64 fields as numbers, or as Long objects where long.js is found (Node). */
export type Int64 = number | { toNumber(): number };

export interface TensorProto {
  dims?: Int64[];
  data_type?: number;
  name?: string;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  data_location?: number;
  external_data?: { key?: string; value?: string }[];
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: Int64[];
  graphs?: GraphProto[];
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeProto[];
}

export interface TensorShapeDim {
  dim_value?: Int64;
  dim_param?: string;
}

export interface ValueInfoProto {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: TensorShapeDim[] } } };
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface OperatorSetIdProto {
  domain?: string;
  version?: Int64;
}

export interface ModelProto {
  ir_version?: Int64;
  opset_import?: OperatorSetIdProto[];
  graph?: GraphProto;
}

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;
/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, GRAPH: 5, FLOATS: 6, INTS: 7 } as const;

/** An int64 field as a number (an unset oneof member decodes as null: 0). */
export function toNumber(value: Int64 | null | undefined): number {
  if (value === undefined || value === null) return 0;
  return typeof value === "number" ? value : value.toNumber();
}

/** Parses an ONNX model; a HeadflowError for bytes that are not one. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  try {
    return onnx.ModelProto.decode(bytes) as ModelProto;
  } catch (error) {
    throw new HeadflowError("bad-model", `not an ONNX model: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** The attribute `name` of a node, or undefined. */
export function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const found = attribute(node, name);
  return found ? toNumber(found.i) : fallback;
}

export function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  const found = attribute(node, name);
  return found ? (found.f ?? 0) : fallback;
}

/** The opset version the model imports for `domain` ("" is the default ONNX domain). */
export function opsetVersion(model: ModelProto, domain: string): number | null {
  const entry = model.opset_import?.find((o) => (o.domain ?? "") === domain);
  return entry ? toNumber(entry.version) : null;
}

/** A float32 tensor from values (little-endian raw_data, as ONNX writers store it). */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const data = Float32Array.from(values);
  return {
    name,
    dims,
    data_type: DataType.FLOAT,
    raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** An int64 tensor from values. */
export function int64Tensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const data = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
  return {
    name,
    dims,
    data_type: DataType.INT64,
    raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** The shape of a tensor initialiser (numbers). */
export function tensorDims(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map(toNumber);
}
