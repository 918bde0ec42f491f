/**
 * The engine's public, browser-safe API (no Node modules, no DOM). Node-only helpers
 * (onnxruntime-node, sharp, file system) are in ./node.
 */
export { Headflow } from "./headflow";
export type { NamedImage, AskOptions, AblateOptions, AttributeOptions } from "./headflow";
export { loadBundle } from "./model/bundle";
export { OrtVlmSession, dimsOf } from "./model/ort-session";
export type { Bundle, LoadOptions } from "./model/bundle";
export { fetchReader, readJson } from "./model/files";
export type { ReadFile } from "./model/files";
export type { OrtModule, OrtSessionOptions } from "./model/ort";
export type {
  VlmSession,
  ModelDims,
  DecodeRequest,
  AnalysisRequest,
  DecodeResult,
  AnalysisResult,
} from "./model/session";
export { ManifestSchema } from "./model/manifest";
export type { Manifest, QuestionType } from "./model/manifest";
export { PromptTokenizer, MAX_QUESTION_CHARS } from "./model/tokenize";
export type { Prompt } from "./model/tokenize";
export { toPixelValues, solidImage, BLANK_GRAY } from "./model/image";
export type { RgbaImage, ImageNormalisation } from "./model/image";
export { baselineKv, baselineLabel, parseBaselineArg, normalisationOf } from "./ablation/baseline";
export type { BaselineSpec, ImageDecoder } from "./ablation/baseline";
export { prefill, prefillImages } from "./model/prefill";
export type { Prefilled } from "./model/prefill";
export { AblationRunner, DEFAULT_BATCH_SIZE } from "./ablation/runner";
export type { MaskRunOptions } from "./ablation/runner";
export { AblatedCacheBuilder } from "./ablation/ablated-cache";
export { wholeSequenceAblation } from "./ablation/whole-sequence";
export type { KvCache, ImageKv } from "./model/kv";
export {
  attributeHeads,
  checkAttributionSettings,
  DEFAULT_ATTRIBUTION,
  StreamingFit,
} from "./attribution/attribute-heads";
export type {
  AttributionSettings,
  AttributionProgress,
  AttributionEstimate,
  AttributionRun,
  EvaluateMasks,
  MaskFitter,
  MaskFitterFactory,
} from "./attribution/attribute-heads";
export { sampleMasks, maskRow, maskOf, isHeldOut } from "./attribution/masks";
export type { MaskSet } from "./attribution/masks";
export { mulberry32 } from "./math/random";
export { RidgeAccumulator, predict } from "./attribution/ridge";
export type { LinearFit } from "./attribution/ridge";
export { pearson } from "./math/stats";
export { targetValue, topTokens, argmax, logSumExp, TARGET_KINDS } from "./ablation/targets";
export type { TargetKind, TokenScore } from "./ablation/targets";
export { formatHead, parseHeadList, headIndex } from "./ablation/heads";
export type { HeadRef } from "./ablation/heads";
export { HeadflowError, errorMessage } from "./errors";
export type { HeadflowErrorCode } from "./errors";
export * from "./results/attribution-results";

// The paper's analyses (issue 5): rankings and evaluation, token flow, object vs
// background, image sets; their JSON schemas; and the Headflow-level runs.
export * from "./results/analysis-results";
export { evaluateImage, flowImage, patchesImage, headGrid } from "./analysis-runs";
export type {
  EvaluateImageOptions,
  FlowImageOptions,
  KnockoutImageOptions,
  ObjectMaskSpec,
} from "./analysis-runs";
export {
  evaluateRankings,
  checkEvaluateSettings,
  DEFAULT_EVALUATE,
} from "./analyses/rankings/evaluate";
export type {
  EvaluateSettings,
  RankingEvaluation,
  RankingsEvaluation,
} from "./analyses/rankings/evaluate";
export {
  curveMasks,
  curvesFromTargets,
  rankingCurves,
  smallestKReaching,
} from "./analyses/rankings/faithfulness";
export type { RankingCurves } from "./analyses/rankings/faithfulness";
export {
  RANKING_METHODS,
  orderByScore,
  randomOrder,
  singleHeadEffects,
  attentionToImage,
} from "./analyses/rankings/rankings";
export type { RankingMethod } from "./analyses/rankings/rankings";
export { maskTargets } from "./ablation/mask-targets";
export { TOKEN_GROUPS, tokenGroups, trailingRoleCount } from "./analyses/flow/token-groups";
export type { TokenGroup, TokenGroups } from "./analyses/flow/token-groups";
export { KnockoutRunner, BLOCKED_EDGE, knockoutBias } from "./analyses/flow/knockout";
export type { Knockout } from "./analyses/flow/knockout";
export {
  defaultWindow,
  defaultPairs,
  parsePairs,
  windowLayers,
  flowCurves,
  answerProbabilities,
} from "./analyses/flow/flow";
export type { FlowPair, FlowCurve, FlowCurves } from "./analyses/flow/flow";
export {
  DEFAULT_COVERAGE_THRESHOLD,
  DEFAULT_CONTRIBUTION_THRESHOLD,
  maskFromCoverage,
  parseObjectMask,
  maskFromContributions,
  patchIndices,
} from "./analyses/object-background/object-mask";
export type { ObjectMaskSource } from "./analyses/object-background/object-mask";
export {
  patchContributions,
  objectVsBackground,
} from "./analyses/object-background/object-vs-background";
export type { PatchAnalysis, PatchBlock } from "./analyses/object-background/object-vs-background";
export {
  similarityMatrix,
  semanticVsAppearance,
  DEFAULT_PERMUTATIONS,
} from "./analyses/sets/similarity";
export type { ItemLabels, SemanticTest } from "./analyses/sets/similarity";
export {
  setSummaries,
  summariseSets,
  shardRange,
  parseShard,
  fingerprint,
  collectShardImages,
} from "./analyses/sets/sets";
export type { SetEntry, SetImageResult, SetSummary, SetsSummary } from "./analyses/sets/sets";
export {
  buildSetsResult,
  mergeSetsResults,
  runSets,
  setsFingerprint,
} from "./analyses/sets/run-sets";
export type { SetsContext, SetsRunOptions } from "./analyses/sets/run-sets";
