/**
 * The engine never imports an onnxruntime package itself: the front end injects one
 * (onnxruntime-node in the CLI and tests, onnxruntime-web in the browser worker). Both
 * export these two classes with the onnxruntime-common API.
 */
import type * as OrtCommon from "onnxruntime-common";

export type OrtModule = Pick<typeof OrtCommon, "InferenceSession" | "Tensor">;
export type OrtSession = OrtCommon.InferenceSession;
export type OrtTensor = OrtCommon.Tensor;
export type OrtSessionOptions = OrtCommon.InferenceSession.SessionOptions;
