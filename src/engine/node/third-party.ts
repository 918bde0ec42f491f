/** Node-only: a third-party export from a folder or an http(s) URL, on onnxruntime-node. */
import { basename } from "node:path";
import { modelReader, type ModelReadOptions } from "./files";
import { nodeImageDecoder, NODE_SESSION_OPTIONS, ort } from "./runtime";
import {
  isThirdPartyExport,
  loadThirdParty,
  type ThirdPartyLoadOptions,
} from "../exports/transformers-js/load";
import type { ThirdPartyHeadflow } from "../exports/transformers-js/third-party-headflow";

/** Whether `location` holds a third-party export rather than a HeadFlow bundle. */
export function isThirdPartyLocation(
  location: string,
  read: ModelReadOptions = {},
): Promise<boolean> {
  return isThirdPartyExport(modelReader(location, read));
}

/** `signal` (in `options`) cancels the load: a download at once, a folder between files. */
export function loadThirdPartyNode(
  location: string,
  options: ThirdPartyLoadOptions & ModelReadOptions = {},
): Promise<ThirdPartyHeadflow> {
  const { signal, ...load } = options;
  return loadThirdParty(modelReader(location, { signal }), ort, nodeImageDecoder, {
    sessionOptions: NODE_SESSION_OPTIONS,
    id: basename(location.replace(/\/+$/, "")) || "model",
    runtime: "onnxruntime-node (cpu)",
    // As for bundles in Node (runtime.ts): mask runs enter at their first ablated layer.
    layerEntry: true,
    ...load,
  });
}
