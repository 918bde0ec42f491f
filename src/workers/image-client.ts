import * as Comlink from "comlink";
import type { ImageApi } from "./image.worker";

/** Starts the image-decoding worker and returns its comlink proxy. */
export function startImageWorker(): Comlink.Remote<ImageApi> {
  const worker = new Worker(new URL("./image.worker.ts", import.meta.url), {
    type: "module",
    name: "headflow-image",
  });
  return Comlink.wrap<ImageApi>(worker);
}
