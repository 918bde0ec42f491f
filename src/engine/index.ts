/**
 * The engine's public, browser-safe API (no Node modules, no DOM). Node-only helpers
 * (onnxruntime-node, sharp, file system) are in ./node.
 */
export { Headflow } from "./headflow";
export type { NamedImage, AskOptions, AblateOptions, AttributeOptions } from "./headflow";
export { loadBundle } from "./bundle";
export { OrtVlmSession, dimsOf } from "./ort-session";
export type { Bundle, LoadOptions } from "./bundle";
export { fetchReader, readJson } from "./files";
export type { ReadFile } from "./files";
export type { OrtModule, OrtSessionOptions } from "./ort";
export type {
  VlmSession,
  ModelDims,
  DecodeRequest,
  AnalysisRequest,
  DecodeResult,
  AnalysisResult,
} from "./session";
export { ManifestSchema } from "./manifest";
export type { Manifest, QuestionType } from "./manifest";
export { PromptTokenizer, MAX_QUESTION_CHARS } from "./tokenize";
export type { Prompt } from "./tokenize";
export { toPixelValues, solidImage, BLANK_GRAY } from "./image";
export type { RgbaImage, ImageNormalisation } from "./image";
export { baselineKv, baselineLabel, parseBaselineArg, normalisationOf } from "./baseline";
export type { BaselineSpec, ImageDecoder } from "./baseline";
export { prefill, prefillImages } from "./prefill";
export type { Prefilled } from "./prefill";
export { AblationRunner, DEFAULT_BATCH_SIZE } from "./runner";
export type { MaskRunOptions } from "./runner";
export { AblatedCacheBuilder } from "./ablation";
export { wholeSequenceAblation } from "./whole-sequence";
export type { KvCache, ImageKv } from "./kv";
export {
  attributeHeads,
  checkAttributionSettings,
  DEFAULT_ATTRIBUTION,
  StreamingFit,
} from "./attribution";
export type {
  AttributionSettings,
  AttributionProgress,
  AttributionEstimate,
  AttributionRun,
  EvaluateMasks,
  MaskFitter,
  MaskFitterFactory,
} from "./attribution";
export { sampleMasks, maskRow, maskOf, isHeldOut } from "./masks";
export type { MaskSet } from "./masks";
export { mulberry32 } from "./random";
export { RidgeAccumulator, predict } from "./ridge";
export type { LinearFit } from "./ridge";
export { pearson } from "./stats";
export { targetValue, topTokens, argmax, logSumExp, TARGET_KINDS } from "./targets";
export type { TargetKind, TokenScore } from "./targets";
export { formatHead, parseHeadList, headIndex } from "./heads";
export type { HeadRef } from "./heads";
export { HeadflowError, errorMessage } from "./errors";
export type { HeadflowErrorCode } from "./errors";
export * from "./result";

// The paper's analyses (issue 5): rankings and evaluation, token flow, object vs
// background, image sets; their JSON schemas; and the Headflow-level runs.
export * from "./analysis-result";
export { evaluateImage, flowImage, patchesImage, headGrid } from "./analysis-runs";
export type {
  EvaluateImageOptions,
  FlowImageOptions,
  KnockoutImageOptions,
  ObjectMaskSpec,
} from "./analysis-runs";
export { evaluateRankings, checkEvaluateSettings, DEFAULT_EVALUATE } from "./evaluate";
export type { EvaluateSettings, RankingEvaluation, RankingsEvaluation } from "./evaluate";
export { curveMasks, curvesFromTargets, rankingCurves, smallestKReaching } from "./faithfulness";
export type { RankingCurves } from "./faithfulness";
export {
  RANKING_METHODS,
  orderByScore,
  randomOrder,
  singleHeadEffects,
  attentionToImage,
} from "./rankings";
export type { RankingMethod } from "./rankings";
export { maskTargets } from "./mask-targets";
export { TOKEN_GROUPS, tokenGroups, trailingRoleCount } from "./token-groups";
export type { TokenGroup, TokenGroups } from "./token-groups";
export { KnockoutRunner, BLOCKED_EDGE, knockoutBias } from "./knockout";
export type { Knockout } from "./knockout";
export {
  defaultWindow,
  defaultPairs,
  parsePairs,
  windowLayers,
  flowCurves,
  answerProbabilities,
} from "./flow";
export type { FlowPair, FlowCurve, FlowCurves } from "./flow";
export {
  DEFAULT_COVERAGE_THRESHOLD,
  DEFAULT_CONTRIBUTION_THRESHOLD,
  maskFromCoverage,
  parseObjectMask,
  maskFromContributions,
  patchIndices,
} from "./object-mask";
export type { ObjectMaskSource } from "./object-mask";
export { patchContributions, objectVsBackground } from "./patches";
export type { PatchAnalysis, PatchBlock } from "./patches";
export { similarityMatrix, semanticVsAppearance, DEFAULT_PERMUTATIONS } from "./similarity";
export type { ItemLabels, SemanticTest } from "./similarity";
export {
  setSummaries,
  summariseSets,
  shardRange,
  parseShard,
  fingerprint,
  collectShardImages,
} from "./sets";
export type { SetEntry, SetImageResult, SetSummary, SetsSummary } from "./sets";
export { buildSetsResult, mergeSetsResults, runSets, setsFingerprint } from "./sets-result";
export type { SetsContext, SetsRunOptions } from "./sets-result";
