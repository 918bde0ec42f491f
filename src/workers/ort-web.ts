/**
 * onnxruntime-web, configured for this app: the WebGPU build, which also carries the wasm
 * CPU provider. Its wasm runtime is emitted by the build next to the app's own assets.
 */
import * as ort from "onnxruntime-web/webgpu";

// Threads need SharedArrayBuffer, which the COOP/COEP headers of the server enable.
ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1;

export { ort };
