/**
 * Node-only helpers: onnxruntime-node, folder reading and sharp decoding. Kept apart from
 * the browser-safe engine index (src/engine/index.ts).
 */
export { folderReader } from "./files";
export { readCheckedFile } from "./read-checked-file";
export type { CheckedReadOptions } from "./read-checked-file";
export { readImageFile, decodeImageBytes, sniffImageType, MAX_IMAGE_PIXELS } from "./decode-image";
export { NODE_SESSION_OPTIONS, loadBundleNode, nodeImageDecoder, ort } from "./runtime";
export { isThirdPartyLocation, loadThirdPartyNode } from "./third-party";
