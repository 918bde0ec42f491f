/**
 * onnxruntime-web, configured for this app: the WebGPU build, which also carries the wasm
 * CPU provider. Its wasm runtime is emitted by the build next to the app's own assets.
 */
import * as ort from "onnxruntime-web/webgpu";

// Wasm threads: onnxruntime-web's own default (half the logical cores, at most 4; 1 without
// the COOP/COEP headers that enable SharedArrayBuffer), so a core stays free for the page's
// main thread and the scoring worker. Using every core (the earlier min(4, cores)) was
// slower, not faster: on the 2-core test machine, a first and a second 1000-mask
// attribution took 48 s / 23 s and 57 s / 25 s with 2 threads against 24 s / 12 s and
// 31 s / 19 s with 1 (scripts/longtasks.ts; the machine was shared, so timings are rough).
// Re-measured with the warm-up and layer entry, against Node back to back
// (scripts/browser-bench.ts, docs/measurements/browser-bench-wasm.json, load 18-24): 2
// threads 3.3x Node's time, 1 thread 3.0x. The benchmark sets other counts through the
// worker's `tune`.

export { ort };
