/**
 * onnx.proto3 text -> the protobufjs JSON descriptor (onnx-schema.json). Field names keep
 * onnx's snake_case (`raw_data`, `op_type`) so code reads like the ONNX IR documentation.
 * Used by make-onnx-schema.ts and its test only (it needs the full protobufjs parser).
 */
import protobuf from "protobufjs";

export function onnxSchemaFromProto(text: string): protobuf.INamespace {
  const { root } = protobuf.parse(text, { keepCase: true });
  return root.toJSON({ keepComments: false });
}
