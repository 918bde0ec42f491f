/** Third-party VLM exports (transformers.js layout): browser-safe public API. */
export { loadThirdParty, isThirdPartyExport } from "./load";
export type { ThirdPartyLoadOptions } from "./load";
export { ThirdPartyHeadflow } from "./third-party-headflow";
export { deriveManifest, FLOAT32_IO_DTYPES } from "./config";
export { DTYPE_CHOICES } from "./dtypes";
export type { ThirdPartyManifest, Capabilities } from "./config";
export { SUPPORTED_MODEL_TYPES } from "./architectures";
