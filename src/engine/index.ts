/**
 * The engine's public, browser-safe API: the only way in from outside src/engine (a lint
 * rule forbids deep imports). Node-only pieces (onnxruntime-node, the file system, sharp)
 * are in ./node; test models in ./testing.
 *
 * Groups, in the order below:
 * - Errors: one error type for what the user can get wrong.
 * - Model: loading a bundle, its manifest, files, prompts, images, the session interface.
 * - Front door: `Headflow` (ask, ablate, attribute) and the analyses run on it.
 * - Ablation: baselines, heads, targets.
 * - Attribution: settings, masks, the streaming fit.
 * - Results: the versioned JSON every front end reads and writes.
 * - Rankings, token flow, object vs background, image sets: the paper's analyses.
 * - Trust views: attention vs causal effect, baseline sensitivity, comparing two results.
 * - Third-party exports: transformers.js-layout models (llava, SmolVLM).
 */

// --- Errors -------------------------------------------------------------------------
export { HeadflowError, errorMessage } from "./errors";

// --- Model --------------------------------------------------------------------------
export { loadBundle } from "./model/bundle";
export type { Bundle } from "./model/bundle";
export { fetchReader } from "./model/files";
export type { ReadFile } from "./model/files";
export { MAX_IMAGE_FILE_BYTES, MAX_JSON_FILE_BYTES } from "./model/file-limits";
export { MAX_IMAGE_PIXELS, exceedsImagePixels } from "./model/image-limits";
export type { OrtModule, OrtSessionOptions } from "./model/ort";
export type { VlmSession, DecodeRequest, DecodeResult } from "./model/session";
export { SplitSession } from "./model/split-session";
export type { DecodePeer } from "./model/split-session";
export { runsInTurn } from "./model/runs-in-turn";
export type { Manifest, QuestionType } from "./model/manifest";
export type { Prompt } from "./model/tokenize";
export { toPixelValues, solidImage, BLANK_GRAY } from "./model/image";
export { pixelHash } from "./model/pixel-hash";
export type { RgbaImage } from "./model/image";
export { prefill, prefillImages } from "./model/prefill";
export type { Prefilled } from "./model/prefill";

// --- Front door ---------------------------------------------------------------------
export { Headflow, bundleSources } from "./headflow";
export type { NamedImage, ModelSources, WarmUpReport } from "./headflow";
export { ask } from "./analyses/ask";
export type { AskOptions } from "./analyses/ask";
export { ablate } from "./analyses/ablate";
export type { AblateOptions } from "./analyses/ablate";
export { attribute } from "./analyses/attribute";
export type { AttributeOptions } from "./analyses/attribute";
export { evaluate } from "./analyses/rankings/evaluate-image";
export type { EvaluateImageOptions } from "./analyses/rankings/evaluate-image";
export { flow } from "./analyses/flow/flow-image";
export type { FlowImageOptions } from "./analyses/flow/flow-image";
export { objectVsBackground } from "./analyses/object-background/object-vs-background-image";
export type { ObjectMaskSpec, KnockoutImageOptions } from "./analyses/knockout-setup";
export { headGrid } from "./analyses/labels";

// --- Ablation -----------------------------------------------------------------------
export { baselineKv, parseBaselineArg, normalisationOf } from "./ablation/baseline";
export type { BaselineSpec, ImageDecoder } from "./ablation/baseline";
export { formatHead, parseHeadList } from "./ablation/heads";
export type { HeadRef } from "./ablation/heads";
export { targetValue, argmax, TARGET_KINDS } from "./ablation/targets";
export type { TargetKind } from "./ablation/targets";
export { maskTargets } from "./ablation/mask-targets";
export { AblatedCacheBuilder } from "./ablation/ablated-cache";
export type { ImageKv } from "./model/kv";

// --- Attribution --------------------------------------------------------------------
export {
  attributeHeads,
  DEFAULT_ATTRIBUTION,
  MAX_ATTRIBUTION_SAMPLES,
  StreamingFit,
  fitScheduleOf,
} from "./attribution/attribute-heads";
export type {
  AttributionSettings,
  AttributionProgress,
  AttributionEstimate,
  EvaluateMasks,
  MaskFitter,
  MaskFitterFactory,
  StoppingRecord,
} from "./attribution/attribute-heads";
export { DEFAULT_STOP_RULE, topKOverlap, ConvergenceTracker } from "./attribution/stop-rule";
export type { StopRule, StopMode, ConvergenceCheck } from "./attribution/stop-rule";
export { sampleMasks, maskRow, isHeldOut } from "./attribution/masks";
export { RidgeAccumulator, predict } from "./attribution/ridge";
export { coefficientStandardErrors } from "./attribution/coefficient-se";
export type { CovarianceEstimator } from "./attribution/coefficient-se";
export * from "./model/batch-budget";
export { HalvingBatch, isOutOfMemory, type Halving } from "./attribution/batch-halving";
export { maxOf, minOf } from "./math/extent";
export { mulberry32 } from "./math/random";
export { pearson } from "./math/stats";

// --- Results ------------------------------------------------------------------------
export * from "./results/attribution-results";
export * from "./results/analysis-results";

// --- Rankings (faithfulness and completeness of head orders) ------------------------
export { DEFAULT_EVALUATE } from "./analyses/rankings/evaluate";
export { singleHeadEffects, attentionToImage } from "./analyses/rankings/rankings";
export { cleanAttentions } from "./analyses/attention/clean-attentions";
export { finalTokenImageAttention } from "./analyses/attention/head-attention";
export { displayMap, type DisplayMap } from "./analyses/attention/display-map";
export { textToImageAttention } from "./analyses/attention/token-attention";
export type { TokenAttention } from "./analyses/attention/token-attention";

// --- Token flow ---------------------------------------------------------------------
export { TOKEN_GROUPS } from "./analyses/flow/token-groups";
export type { TokenGroup } from "./analyses/flow/token-groups";
export { defaultWindow, parsePairs } from "./analyses/flow/flow";
export type { FlowCurve, FlowCurves } from "./analyses/flow/flow";

// --- Object vs background -----------------------------------------------------------
export {
  DEFAULT_COVERAGE_THRESHOLD,
  DEFAULT_CONTRIBUTION_THRESHOLD,
  maskFromCoverage,
  parseObjectMask,
  maskFromContributions,
} from "./analyses/object-background/object-mask";

// --- Image sets ---------------------------------------------------------------------
export { DEFAULT_PERMUTATIONS } from "./analyses/sets/similarity";
export { parseShard, fingerprint } from "./analyses/sets/sets";
export type { SetEntry, SetImageResult } from "./analyses/sets/sets";
export {
  buildSetsResult,
  mergeSetsResults,
  runSets,
  setsFingerprint,
} from "./analyses/sets/run-sets";
export type { SetsContext } from "./analyses/sets/run-sets";

// --- Trust views (attention vs effect, baseline sensitivity, comparisons) -------------
export * from "./analyses/trust";

// --- Third-party exports (transformers.js layout) -----------------------------------
export {
  loadThirdParty,
  isThirdPartyExport,
  ThirdPartyHeadflow,
  deriveManifest,
  FLOAT32_IO_DTYPES,
  DTYPE_CHOICES,
  SUPPORTED_MODEL_TYPES,
} from "./exports/transformers-js";
export type {
  ThirdPartyLoadOptions,
  ThirdPartyManifest,
  Capabilities,
} from "./exports/transformers-js";
export { ATTENTION_UNAVAILABLE } from "./exports/transformers-js/export-session";
export { downloadReader } from "./exports/transformers-js/download";
export type { DownloadProgress, ResponseCache } from "./exports/transformers-js/download";
export { fileMapReader } from "./exports/transformers-js/file-map-reader";
export type { PickedFile } from "./exports/transformers-js/file-map-reader";
