/**
 * Which onnxruntime-web execution provider to run on, and why.
 *
 * The probing itself (navigator.gpu, requestAdapter, session creation, the timed probe
 * runs) happens in the inference worker; the decisions are pure functions here so they are
 * tested in Node. A software WebGPU adapter (SwiftShader, llvmpipe: what headless and
 * GPU-less set-ups offer) runs on the CPU, far slower than wasm (one attribution took
 * 831 s there against seconds on wasm), so `auto` never picks it; between wasm and a
 * hardware adapter, a short timed run on each decides.
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
  /** Why the adapter is a software one (softwareAdapterReason); absent for hardware. */
  software?: string;
}

/** The adapter's identity, as GPUAdapterInfo gives it (every field may be empty). */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** GPUAdapterInfo.isFallbackAdapter (older browsers: GPUAdapter.isFallbackAdapter). */
  isFallbackAdapter?: boolean;
}

/** Software rasterisers that browsers expose as WebGPU adapters, as their names appear. */
const SOFTWARE_RENDERERS = [
  "swiftshader",
  "llvmpipe",
  "lavapipe",
  "softpipe",
  "microsoft basic render",
  "warp",
];

/** Why this adapter runs on the CPU, or null when nothing says so. */
export function softwareAdapterReason(info: AdapterInfoLike): string | null {
  if (info.isFallbackAdapter === true) return "the browser marks it as a fallback adapter";
  const fields = [info.vendor, info.architecture, info.device, info.description];
  const words = fields.filter((f) => f !== undefined && f !== "").join(" ");
  const lower = words.toLowerCase();
  const name = SOFTWARE_RENDERERS.find((renderer) =>
    new RegExp(`(^|[^a-z])${renderer}([^a-z]|$)`).test(lower),
  );
  return name === undefined ? null : `${name} is a software renderer`;
}

/** A timed probe run on each backend (the same small graph, after one untimed run). */
export interface BackendTiming {
  webgpuMs: number;
  wasmMs: number;
  /** Measured at an earlier load of this model on this adapter (and kept). */
  cached: boolean;
}

/** `auto` with a hardware adapter: time both before choosing (chooseByTiming). */
export interface MeasureFirst {
  backend: "measure";
  adapter: string;
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

/**
 * The backend for `preference`, or MeasureFirst when only a timed run can tell. An
 * explicit `webgpu` is honoured on any adapter, a software one too.
 */
export function chooseBackend(
  preference: BackendPreference,
  probe: WebGpuProbe,
): BackendChoice | MeasureFirst {
  if (preference === "wasm") return { backend: "wasm", reason: "wasm was requested" };
  const unavailable = webGpuUnavailableReason(probe);
  if (unavailable !== null)
    return { backend: "wasm", reason: `WebGPU unavailable: ${unavailable}` };
  const adapter = probe.adapter ?? "unnamed adapter";
  if (preference === "webgpu") {
    const software = probe.software === undefined ? "" : ` (software adapter: ${probe.software})`;
    return { backend: "webgpu", reason: `WebGPU was requested; adapter: ${adapter}${software}` };
  }
  if (probe.software !== undefined) {
    return {
      backend: "wasm",
      reason: `the only WebGPU adapter (${adapter}) runs on the CPU: ${probe.software}, much slower than wasm; ?backend=webgpu forces it`,
    };
  }
  return { backend: "measure", adapter };
}

/** The faster backend of a timed probe (wasm on a tie: it needs no GPU pipelines). */
export function chooseByTiming(adapter: string, timing: BackendTiming): BackendChoice {
  for (const value of [timing.webgpuMs, timing.wasmMs]) {
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`a probe time must be a finite number of ms >= 0 (got ${value})`);
  }
  const backend = timing.webgpuMs < timing.wasmMs ? "webgpu" : "wasm";
  const when = timing.cached ? "measured at an earlier load" : "measured now";
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return {
    backend,
    reason: `a probe run took ${ms(timing.webgpuMs)} on WebGPU (${adapter}) and ${ms(timing.wasmMs)} on wasm (${when})`,
  };
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
