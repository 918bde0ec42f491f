/**
 * Node-only helpers: onnxruntime-node, folder reading and sharp decoding. Kept apart from
 * the browser-safe engine index (src/engine/index.ts).
 */
export { folderReader, modelReader, isUrl } from "./files";
export type { ModelReadOptions } from "./files";
export { modelFileLimit } from "./model-file-limits";
export { readCheckedFile, isMissingFileError } from "./read-checked-file";
export type { CheckedReadOptions } from "./read-checked-file";
export { readImageFile, decodeImageBytes, sniffImageType, MAX_IMAGE_PIXELS } from "./decode-image";
export { NODE_SESSION_OPTIONS, loadBundleNode, nodeImageDecoder, ort } from "./runtime";
export { isThirdPartyLocation, loadThirdPartyNode } from "./third-party";
