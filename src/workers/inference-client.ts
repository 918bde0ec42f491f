import * as Comlink from "comlink";
import type { InferenceApi } from "./inference.worker";

let worker: Comlink.Remote<InferenceApi> | null = null;

/** The one inference worker of the page (started on first use), as a comlink proxy. */
export function inferenceWorker(): Comlink.Remote<InferenceApi> {
  worker ??= Comlink.wrap<InferenceApi>(
    new Worker(new URL("./inference.worker.ts", import.meta.url), {
      type: "module",
      name: "headflow-inference",
    }),
  );
  return worker;
}
