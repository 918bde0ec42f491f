/**
 * Node-only helpers: onnxruntime-node, folder reading and sharp decoding. Kept apart from
 * the browser-safe engine index (src/engine/index.ts).
 */
import * as ort from "onnxruntime-node";
import { loadBundle, type Bundle } from "../model/bundle";
import { fetchReader } from "../model/files";
import type { OrtSessionOptions } from "../model/ort";
import { folderReader } from "./files";
import { decodeImageBytes } from "./decode-image";
import type { ImageDecoder } from "../ablation/baseline";

export { folderReader } from "./files";
export { readImageFile, decodeImageBytes, sniffImageType, MAX_IMAGE_PIXELS } from "./decode-image";

/**
 * Default CPU session options for Node (the CLI, tests and the benchmark). Spinning
 * threads are off: on a machine shared with other work (2 cores and a training job here)
 * spin-waiting intra-op threads made ablation runs 1.5-2x slower, measured with batch 32.
 */
export const NODE_SESSION_OPTIONS: OrtSessionOptions = {
  executionProviders: ["cpu"],
  graphOptimizationLevel: "all",
  logSeverityLevel: 3,
  extra: { session: { intra_op: { allow_spinning: "0" } } },
};

/** Loads a bundle from a local folder or an http(s) URL with onnxruntime-node. */
export async function loadBundleNode(
  location: string,
  sessionOptions = NODE_SESSION_OPTIONS,
  { layerEntry = true }: { layerEntry?: boolean } = {},
): Promise<Bundle> {
  const read = /^https?:\/\//.test(location) ? fetchReader(location) : folderReader(location);
  return loadBundle(read, ort, { sessionOptions, layerEntry });
}

/** Decodes reference images (and `image:` baselines) with sharp. */
export const nodeImageDecoder: ImageDecoder = (bytes, name) => decodeImageBytes(bytes, name);

export { ort };
