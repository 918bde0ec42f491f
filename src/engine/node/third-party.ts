/** Node-only: a third-party export from a folder or an http(s) URL, on onnxruntime-node. */
import { basename } from "node:path";
import { fetchReader, type ReadFile } from "../model/files";
import { folderReader } from "./files";
import { nodeImageDecoder, NODE_SESSION_OPTIONS, ort } from "./runtime";
import {
  isThirdPartyExport,
  loadThirdParty,
  type ThirdPartyLoadOptions,
} from "../exports/transformers-js/load";
import type { ThirdPartyHeadflow } from "../exports/transformers-js/third-party-headflow";

function readerFor(location: string): ReadFile {
  return /^https?:\/\//.test(location) ? fetchReader(location) : folderReader(location);
}

/** Whether `location` holds a third-party export rather than a HeadFlow bundle. */
export function isThirdPartyLocation(location: string): Promise<boolean> {
  return isThirdPartyExport(readerFor(location));
}

export function loadThirdPartyNode(
  location: string,
  options: ThirdPartyLoadOptions = {},
): Promise<ThirdPartyHeadflow> {
  return loadThirdParty(readerFor(location), ort, nodeImageDecoder, {
    sessionOptions: NODE_SESSION_OPTIONS,
    id: basename(location.replace(/\/+$/, "")) || "model",
    runtime: "onnxruntime-node (cpu)",
    ...options,
  });
}
