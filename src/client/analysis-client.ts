/**
 * The stores' one way to the workers. It hides comlink (proxies, transfers), the cancel
 * flags and how the workers are wired: the inference worker runs the model, the scoring
 * worker fits attributions, and the two talk over their own MessageChannel so that mask
 * batches never cross the main thread (the main thread only watches the fit's progress).
 */
import * as Comlink from "comlink";
import type {
  AblationResult,
  AttributionResult,
  AttributionSettings,
  DisplayMap,
  DownloadProgress,
  EvaluateResult,
  HeadRef,
  PatchesResult,
  RgbaImage,
  SetImageResult,
  SetsContext,
  SetsResult,
} from "../engine";
import type { BackendPreference } from "../workers/backend-choice";
import { inferenceWorker } from "../workers/inference-client";
import type {
  AnalysisInput,
  AttributeInput,
  AttributionUpdate,
  BackendReport,
  RankingKind,
} from "../workers/inference-types";
import { scoringWorker } from "../workers/scoring-client";
import type { FitProgress } from "../workers/scoring-types";
import type { ThirdPartySource } from "../workers/third-party-model";
import type { FlowRequest, KnockoutRequest, TokenFlowRun } from "../workers/token-flow-types";
import { startRunning, type Running } from "./running";

let connection: Promise<void> | null = null;

/** Gives the two workers each an end of one MessageChannel (once per page). */
function connectWorkers(): Promise<void> {
  connection ??= (async () => {
    const { port1, port2 } = new MessageChannel();
    await Promise.all([
      scoringWorker().connect(Comlink.transfer(port1, [port1])),
      inferenceWorker().connectScoring(Comlink.transfer(port2, [port2])),
    ]);
  })().catch((error: unknown) => {
    connection = null;
    throw error;
  });
  return connection;
}

/** A fit's progress as the attribution's update (scores once there is a fit). */
export function fitUpdate(progress: FitProgress): AttributionUpdate {
  const { done, total, partial } = progress;
  return partial
    ? { done, total, scores: partial.scores, heldOutR: partial.heldOutR }
    : { done, total };
}

let nextFit = 0;
const stopInference = () => void inferenceWorker().cancel();

/** Starts the inference worker on a backend and the model at `modelUrl`; then the scoring worker. */
export async function startModel(
  preference: BackendPreference,
  modelUrl: string,
): Promise<BackendReport> {
  const report = await inferenceWorker().start(preference, modelUrl);
  // Started now rather than by the first attribution, whose main thread then competes
  // with the worker's script load on small machines.
  void connectWorkers().catch(() => undefined);
  return report;
}

export async function loadThirdParty(
  source: ThirdPartySource,
  onProgress: (progress: DownloadProgress) => void,
) {
  return inferenceWorker().loadThirdParty(source, Comlink.proxy(onProgress));
}

export function cancelModelLoad(): void {
  void inferenceWorker().cancelModelLoad();
}

/** The image at the model's resolution: what every analysis (and a permalink) uses. */
export async function prepareImage(image: RgbaImage): Promise<RgbaImage> {
  return inferenceWorker().prepareImage(image);
}

export async function ask(input: AnalysisInput) {
  return inferenceWorker().ask(input.image, input.question);
}

/**
 * Masks run in the inference worker, the fit in the scoring worker; `onUpdate` gets its
 * estimates. The baseline may be an image (the trust views' baseline sensitivity).
 */
export function attribute(
  input: AttributeInput,
  settings: Partial<AttributionSettings>,
  onUpdate: (update: AttributionUpdate) => void,
): Running<AttributionResult> {
  return startRunning(async (cancel) => {
    await connectWorkers();
    const fitId = ++nextFit;
    const scoring = scoringWorker();
    await scoring.watchFit(
      fitId,
      Comlink.proxy((progress: FitProgress) => onUpdate(fitUpdate(progress))),
    );
    try {
      return await inferenceWorker().attribute(
        { ...input, settings, fitId, ...cancel },
        Comlink.proxy(onUpdate),
      );
    } finally {
      void scoring.unwatchFit(fitId);
    }
  }, stopInference);
}

export async function ablate(input: AnalysisInput, heads: HeadRef[]): Promise<AblationResult> {
  return inferenceWorker().ablate(input, heads);
}

/**
 * The head's final-token attention over the image, on the image's display grid (null where
 * the image block has none); only for a model with attention maps.
 */
export async function headAttention(
  input: AnalysisInput,
  head: HeadRef,
): Promise<DisplayMap | null> {
  return inferenceWorker().headAttention(input, head);
}

export async function ranking(input: AnalysisInput, kind: RankingKind): Promise<Float64Array> {
  return inferenceWorker().ranking(input, kind);
}

export async function evaluate(
  input: AnalysisInput,
  samples: number,
  seed: number,
): Promise<EvaluateResult> {
  return inferenceWorker().evaluate(input, samples, seed);
}

export function flow(
  input: AnalysisInput,
  request: Omit<FlowRequest, "cancelFlag">,
  onProgress: (done: number, total: number) => void,
): Running<TokenFlowRun> {
  return startRunning(
    (cancel) => inferenceWorker().flow(input, { ...request, ...cancel }, Comlink.proxy(onProgress)),
    stopInference,
  );
}

export function patches(
  input: AnalysisInput,
  request: Omit<KnockoutRequest, "cancelFlag">,
): Running<PatchesResult> {
  return startRunning(
    (cancel) => inferenceWorker().patches(input, { ...request, ...cancel }),
    stopInference,
  );
}

/** The `headflow sets` result of attributed images, computed in the scoring worker. */
export async function setsResult(
  context: SetsContext,
  images: SetImageResult[],
  totalMs: number,
): Promise<SetsResult> {
  return scoringWorker().setsResult(context, images, totalMs);
}
