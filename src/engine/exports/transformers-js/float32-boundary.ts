/**
 * The engine computes in float32 (its key/value caches, ablations and scores); fp16 and
 * q4f16 exports take and give float16. This wraps such a session so that the rest sees
 * float32 only: float32 feeds of float16 inputs are rounded to half (exact for values
 * that came out of the graph as halves, so a cache fed back is unchanged bit for bit),
 * and float16 outputs are widened to float32 (exact). A session with no float16 input
 * or output is returned as it is.
 */
import type { OrtModule, OrtSession, OrtTensor } from "../../model/ort";
import { float16ToFloat32, float32ToFloat16 } from "./float16";

type Metadata = readonly { name: string; isTensor?: boolean; type?: string }[] | undefined;

const float16Names = (metadata: Metadata): Set<string> =>
  new Set((metadata ?? []).filter((m) => m.type === "float16").map((m) => m.name));

/** float16 data as onnxruntime gives it: Uint16Array bits, or a Float16Array where one exists. */
function widen(ort: OrtModule, tensor: OrtTensor): OrtTensor {
  const data = tensor.data as ArrayLike<number>;
  const floats = data instanceof Uint16Array ? float16ToFloat32(data) : Float32Array.from(data);
  return new ort.Tensor("float32", floats, tensor.dims);
}

export function float32Boundary(ort: OrtModule, session: OrtSession): OrtSession {
  const halfInputs = float16Names(session.inputMetadata as Metadata);
  const halfOutputs = float16Names(session.outputMetadata as Metadata);
  if (halfInputs.size === 0 && halfOutputs.size === 0) return session;
  const run = async (
    feeds: Record<string, OrtTensor>,
    ...rest: unknown[]
  ): Promise<Record<string, OrtTensor>> => {
    const converted: Record<string, OrtTensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) {
      converted[name] =
        halfInputs.has(name) && tensor.type === "float32"
          ? new ort.Tensor("float16", float32ToFloat16(tensor.data as Float32Array), tensor.dims)
          : tensor;
    }
    const out = await (session.run as (...args: unknown[]) => Promise<Record<string, OrtTensor>>)(
      converted,
      ...rest,
    );
    const result: Record<string, OrtTensor> = {};
    for (const [name, tensor] of Object.entries(out)) {
      result[name] = tensor.type === "float16" ? widen(ort, tensor) : tensor;
    }
    return result;
  };
  // Everything else (names, metadata, release, profiling) is the session's own.
  return new Proxy(session, {
    get(target, key) {
      if (key === "run") return run;
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function"
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
