import * as Comlink from "comlink";
import type { InferenceApi } from "./inference.worker";

/** Starts the inference worker and returns its comlink proxy. */
export function startInferenceWorker(): Comlink.Remote<InferenceApi> {
  const worker = new Worker(new URL("./inference.worker.ts", import.meta.url), {
    type: "module",
    name: "headflow-inference",
  });
  return Comlink.wrap<InferenceApi>(worker);
}
