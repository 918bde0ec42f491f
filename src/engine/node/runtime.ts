/** onnxruntime-node, its default CPU session options, and sharp as the image decoder. */
import * as ort from "onnxruntime-node";
import type { ImageDecoder } from "../ablation/baseline";
import { loadBundle, type Bundle } from "../model/bundle";
import type { OrtSessionOptions } from "../model/ort";
import { decodeImageBytes } from "./decode-image";
import { modelReader } from "./files";

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

/**
 * Loads a bundle from a local folder or an http(s) URL with onnxruntime-node; `signal`
 * cancels it (a download at once, a folder before its next file).
 */
export async function loadBundleNode(
  location: string,
  sessionOptions = NODE_SESSION_OPTIONS,
  { layerEntry = true, signal }: { layerEntry?: boolean; signal?: AbortSignal | undefined } = {},
): Promise<Bundle> {
  return loadBundle(modelReader(location, { signal }), ort, { sessionOptions, layerEntry });
}

/** Decodes reference images (and `image:` baselines) with sharp. */
export const nodeImageDecoder: ImageDecoder = (bytes, name) => decodeImageBytes(bytes, name);

export { ort };
