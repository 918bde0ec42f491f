/**
 * The front end's client of the workers: what the stores call instead of comlink. Long
 * runs come back as `Running` (a result and a cancel); everything else as a promise.
 */
export * as analysisClient from "./analysis-client";
export { isCancellation, type Running } from "./running";
export { imageDecoder, type Decoder } from "./image-decoder";
