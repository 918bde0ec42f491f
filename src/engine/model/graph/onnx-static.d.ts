/** The part of the generated onnx-static.js the engine uses (see onnx.ts for the message shapes). */
interface StaticMessage {
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
}

export const onnx: { ModelProto: StaticMessage };
