/**
 * Which onnxruntime-web execution provider to run on, and why.
 *
 * The probing itself (navigator.gpu, requestAdapter, session creation) happens in the
 * inference worker; the decision is a pure function here so it is tested in Node.
 */

export type BackendName = "webgpu" | "wasm";
export type BackendPreference = "auto" | BackendName;

/** What the worker found out about WebGPU before creating any session. */
export interface WebGpuProbe {
  /** `navigator.gpu` exists in this browser/worker. */
  apiPresent: boolean;
  /** A human-readable adapter description, or null when requestAdapter() gave none. */
  adapter: string | null;
  /** The error requestAdapter() threw, if it threw. */
  adapterError?: string;
}

export interface BackendChoice {
  backend: BackendName;
  /** Why this backend: shown to the user next to the badge. */
  reason: string;
}

export function parseBackendPreference(value: string | null | undefined): BackendPreference {
  if (value === null || value === undefined || value === "" || value === "auto") return "auto";
  if (value === "webgpu" || value === "wasm") return value;
  throw new Error(`Unknown backend "${value}": use auto, webgpu or wasm.`);
}

export function chooseBackend(preference: BackendPreference, probe: WebGpuProbe): BackendChoice {
  if (preference === "wasm") return { backend: "wasm", reason: "wasm was requested" };
  const unavailable = webGpuUnavailableReason(probe);
  if (unavailable === null) {
    return { backend: "webgpu", reason: `WebGPU adapter: ${probe.adapter}` };
  }
  return { backend: "wasm", reason: `WebGPU unavailable: ${unavailable}` };
}

/** The fallback taken when a WebGPU session fails to start although an adapter exists. */
export function fallbackAfterSessionError(error: unknown): BackendChoice {
  const message = error instanceof Error ? error.message : String(error);
  return { backend: "wasm", reason: `WebGPU session failed: ${message}` };
}

function webGpuUnavailableReason(probe: WebGpuProbe): string | null {
  if (!probe.apiPresent) return "this browser does not expose navigator.gpu";
  if (probe.adapterError !== undefined) return `requestAdapter() failed: ${probe.adapterError}`;
  if (probe.adapter === null) return "no WebGPU adapter was found";
  return null;
}
