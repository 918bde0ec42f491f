/**
 * The inference worker: owns onnxruntime-web and the model, so that the main thread never
 * blocks on model work. It picks the backend (backend-choice.ts), loads the bundle into the
 * engine, and answers the explorer's requests through comlink. Thin on purpose: every
 * computation is the engine's (src/engine) or a Node-tested helper beside this file.
 */
import "../zod-jitless";
import * as Comlink from "comlink";
import { ort } from "./ort-web";
import { probeWebGpu } from "./webgpu-probe";
import { decodeWithCanvas } from "./canvas-image-decoder";
import { isCancelRaised } from "./cancel-flag";
import { toModelResolution } from "./model-image";
import { createFitLink } from "./fit-link";
import { openEntryGraphs, type EntryGraphsReport } from "./entry-graphs";
import {
  DEFAULT_DECODE_PEERS,
  decodePeerCount,
  startDecodePeer,
  type StartedPeer,
} from "./decode-peers";
import type { ScoringApi } from "./scoring-api";
import { forwardingFitter } from "./scoring-fitter";
import type { FlowRequest, KnockoutRequest, TokenFlowRun } from "./token-flow-types";
import type {
  AnalysisInput,
  AttributeRequest,
  AttributionUpdate,
  BackendReport,
  BaselineChoice,
  ModelInfo,
  RankingKind,
  SelfTest,
  WorkerTuning,
} from "./inference-types";
import { keepTiming, keptTiming, timeBackends, timingKey } from "./backend-timing";
import {
  chooseBackend,
  chooseByTiming,
  fallbackAfterSessionError,
  type BackendChoice,
  type BackendName,
  type BackendPreference,
} from "./backend-choice";
import {
  evaluate,
  flow,
  objectVsBackground,
  Headflow,
  loadBundle,
  fetchReader,
  type RgbaImage,
  type HeadRef,
  type BaselineSpec,
  maskTargets,
  argmax,
  attentionToImage,
  singleHeadEffects,
  cleanAttentions,
  finalTokenImageAttention,
  displayMap,
  type DisplayMap,
  textToImageAttention,
  type DownloadProgress,
  ask,
  ablate,
  attribute,
  SplitSession,
  errorMessage,
} from "../engine";
import { openThirdParty, thirdPartyInfo, type ThirdPartySource } from "./third-party-model";

export type { BackendReport, SelfTest } from "./inference-types";

/** The smallest graph of a model bundle: running it proves the backend works end to end. */
const SELF_TEST_GRAPH = "onnx/embed_tokens.onnx";

async function createSession(url: string, backend: BackendChoice["backend"]) {
  return ort.InferenceSession.create(url, { executionProviders: [backend] });
}

async function runSelfTest(session: ort.InferenceSession): Promise<Omit<SelfTest, "graph">> {
  const started = performance.now();
  const inputIds = new ort.Tensor("int64", BigInt64Array.from([1n, 2n, 3n]), [1, 3]);
  const outputs = await session.run({ [session.inputNames[0] ?? "input_ids"]: inputIds });
  const first = outputs[session.outputNames[0] ?? ""];
  if (first === undefined) throw new Error("the self-test graph returned no output");
  return { outputShape: [...first.dims], milliseconds: performance.now() - started };
}

/** A backend for `preference`: `auto` times both on a hardware adapter (backend-timing.ts). */
async function decideBackend(
  preference: BackendPreference,
  modelBaseUrl: string,
): Promise<BackendChoice> {
  const decision = chooseBackend(preference, await probeWebGpu());
  if (decision.backend !== "measure") return decision;
  const key = timingKey(modelBaseUrl, decision.adapter);
  let timing = await keptTiming(key);
  if (timing === null) {
    try {
      timing = await timeBackends(modelBaseUrl);
    } catch (error) {
      return fallbackAfterSessionError(error);
    }
    await keepTiming(key, timing);
  }
  return chooseByTiming(decision.adapter, timing);
}

/** Picks a backend, falling back to wasm when a WebGPU session cannot start. */
async function pickBackend(preference: BackendPreference, modelBaseUrl: string) {
  const graphUrl = new URL(SELF_TEST_GRAPH, modelBaseUrl).href;
  let choice = await decideBackend(preference, modelBaseUrl);
  let session: ort.InferenceSession;
  try {
    session = await createSession(graphUrl, choice.backend);
  } catch (error) {
    if (choice.backend !== "webgpu") throw error;
    choice = fallbackAfterSessionError(error);
    session = await createSession(graphUrl, choice.backend);
  }
  try {
    return { choice, selfTest: { graph: SELF_TEST_GRAPH, ...(await runSelfTest(session)) } };
  } finally {
    await session.release();
  }
}

/**
 * The engine once `start` has loaded the model. Requests that come earlier (a permalink's
 * "Recompute" while the model still loads) wait for it instead of failing.
 */
let engine: Headflow | null = null;
let engineLoaded!: (headflow: Headflow) => void;
let engineFailed!: (error: unknown) => void;
const engineReady = new Promise<Headflow>((resolve, reject) => {
  engineLoaded = resolve;
  engineFailed = reject;
});
// A failed start is reported by `start` itself; later requests reject with the same error.
engineReady.catch(() => {});

/** The bundled model's backend, once chosen: third-party models follow it (wasm until then). */
let chosenBackend: BackendName = "wasm";

/** The layer-entry graphs being opened after `start` (null: none, or they failed). */
let entryGraphs: Promise<EntryGraphsReport | null> = Promise.resolve(null);

/** The bundled model's mask runs shared with decode peers (decode-peers.ts). */
let split: SplitSession | null = null;
let peers: StartedPeer[] = [];
/** How many peers share the mask runs once started (0: none, or they failed to start). */
let peersReady: Promise<number> = Promise.resolve(0);

/** Starts the peers for the bundled model; `split` uses them once they are warm. */
function startPeers(modelBaseUrl: string, backend: string): Promise<number> {
  const threads = tuning.wasmThreads ?? ort.env.wasm.numThreads ?? 1;
  const count = decodePeerCount(
    tuning.decodePeers ?? DEFAULT_DECODE_PEERS,
    navigator.hardwareConcurrency || 1,
    threads,
    backend,
  );
  const session = split;
  if (count === 0 || session === null) return Promise.resolve(0);
  const starting = Array.from({ length: count }, () => startDecodePeer(modelBaseUrl, threads));
  return Promise.allSettled(starting).then((settled) => {
    const started = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    // A model loaded meanwhile (a third-party one) has no use for them.
    if (split !== session) {
      for (const peer of started) peer.terminate();
      return 0;
    }
    peers = started;
    session.setPeers(started.map((p) => p.peer));
    return started.length;
  });
}

function stopPeers(): void {
  split?.setPeers([]);
  split = null;
  for (const peer of peers) peer.terminate();
  peers = [];
  peersReady = Promise.resolve(0);
}

/** Set by `tune` before `start` (the benchmark's knobs). */
let tuning: WorkerTuning = {};

/** The running attribution's cancel switch (one long run at a time). */
let running: AbortController | null = null;
/** The scoring worker over the workers' own channel, once the main thread connects them. */
let scoring: Comlink.Remote<ScoringApi> | null = null;
/** The third-party model load in progress, to cancel. */
let modelLoad: AbortController | null = null;

function loaded(): Promise<Headflow> {
  return engine !== null ? Promise.resolve(engine) : engineReady;
}

function modelInfo(headflow: Headflow, loadMs: number): ModelInfo {
  const { manifest } = headflow.bundle;
  const defaultQuestion = headflow.bundle.tokenizer.defaultQuestion();
  const templates = manifest.questions.map((question) => question.template);
  return {
    id: manifest.id,
    name: manifest.name,
    layers: manifest.layers,
    heads: manifest.heads,
    imageSize: manifest.image.size,
    grid: [manifest.image.grid[0], manifest.image.grid[1]],
    questions: [defaultQuestion, ...templates.filter((t) => t !== defaultQuestion)],
    referenceImages: manifest.reference.length,
    randomInit: headflow.modelRef().randomInit === true,
    attentionMaps: true,
    loadMs,
  };
}

/** The engine's baseline for a request: an image one as the CLI makes it for `image:FILE`. */
function baselineSpec({ baseline }: { baseline: BaselineChoice }): BaselineSpec {
  if (typeof baseline === "string") return { kind: baseline };
  return { kind: "image", name: baseline.image.name, image: baseline.image };
}

/** A cancelled run rejects with an error named AbortError (comlink keeps name and message). */
function asCancellation(error: unknown, signal: AbortSignal): unknown {
  if (!signal.aborted) return error;
  const cancelled = new Error("the analysis was cancelled");
  cancelled.name = "AbortError";
  return cancelled;
}

/** Runs `work` as the one long run, cancellable by `cancel` or by its shared flag. */
async function cancellable<T>(
  work: (signal: AbortSignal, checkFlag: () => void) => Promise<T>,
  flag: KnockoutRequest["cancelFlag"],
): Promise<T> {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  try {
    return await work(controller.signal, () => {
      if (isCancelRaised(flag)) controller.abort();
    });
  } catch (error) {
    throw asCancellation(error, controller.signal);
  } finally {
    if (running === controller) running = null;
  }
}

/**
 * Layer entry for third-party models in the browser: off unless the tuning asks. Their
 * entry graphs are built and warmed up in this worker after load, and it answers nothing
 * meanwhile: at SmolVLM-256M's size on wasm that held the first question back by 6.5
 * minutes (391 s), more than all the mask runs of a 1000-mask attribution took with it
 * (312 s; docs/measurements/real-scale-layer-entry.json). Node turns it on.
 */
const THIRD_PARTY_LAYER_ENTRY = false;

const api = {
  /** Settings for the next `start`: the browser benchmark's knobs (inference-types.ts). */
  tune(options: WorkerTuning): void {
    if (options.wasmThreads !== undefined) {
      if (!Number.isInteger(options.wasmThreads) || options.wasmThreads < 1)
        throw new Error(`wasm threads must be a positive integer (got ${options.wasmThreads})`);
      ort.env.wasm.numThreads = options.wasmThreads;
    }
    const peerCount = options.decodePeers;
    if (peerCount !== undefined && (!Number.isInteger(peerCount) || peerCount < 0 || peerCount > 8))
      throw new Error(`decode peers must be an integer from 0 to 8 (got ${peerCount})`);
    tuning = { ...options };
  },

  /** Once the decode peers `start` began are warm: how many share the mask runs. */
  decodePeers(): Promise<number> {
    return peersReady;
  },

  /** Once the layer-entry graphs `start` began opening are open: how long they took. */
  entryGraphs(): Promise<EntryGraphsReport | null> {
    return entryGraphs;
  },

  /** Chooses the backend, proves it on a real graph, then loads the whole bundle on it. */
  async start(preference: BackendPreference, modelBaseUrl: string): Promise<BackendReport> {
    try {
      const { choice, selfTest } = await pickBackend(preference, modelBaseUrl);
      chosenBackend = choice.backend;
      const started = performance.now();
      // Layer entry on wasm, as in Node: it skips the layers below each mask's first
      // ablated one (src/engine/README.md). Not on WebGPU, where each entered layer's
      // session compiles its own GPU pipelines: not measured (no GPU here).
      const layerEntry = choice.backend === "wasm" && (tuning.layerEntry ?? true);
      const bundle = await loadBundle(fetchReader(modelBaseUrl), ort, {
        sessionOptions: { executionProviders: [choice.backend] },
        layerEntry,
      });
      split = new SplitSession(bundle.session, (error) =>
        console.warn(`a decode peer failed and was dropped: ${errorMessage(error)}`),
      );
      engine = new Headflow(
        { ...bundle, session: split },
        decodeWithCanvas,
        `onnxruntime-web (${choice.backend})`,
      );
      const loadMs = performance.now() - started;
      // The decode peers load the same model again, on the other cores, while this worker
      // warms up: started after the entry graphs instead, a peer was still loading when an
      // attribution clicked at "ready" ran (5.1 s against 4.3-4.5 s this way, for a
      // warm-up about 1 s longer: README).
      peersReady = startPeers(modelBaseUrl, choice.backend);
      // Before reporting ready, on wasm: it is what kept the first attribution from
      // starving the main thread there (Headflow.warmUp; 3 s on a 2-core machine). Not on
      // WebGPU, where first runs compile GPU pipelines instead: not measured (no GPU here).
      // A failure is left to the analysis that meets it; the model itself loaded.
      const warmUp = choice.backend === "wasm" ? await engine.warmUp().catch(() => null) : null;
      engineLoaded(engine);
      // The entry graphs, one session per layer, built once per model and kept: after
      // "ready", so they do not delay it (8-14 s on the loaded 2-core machine); they are
      // usually open before the user has chosen an image. Their runs queue with any
      // analysis's (SerialSession), and one that meets them first only waits.
      entryGraphs = layerEntry ? openEntryGraphs(engine).catch(() => null) : Promise.resolve(null);
      const model = modelInfo(engine, loadMs);
      return {
        ...choice,
        selfTest,
        model: warmUp ? { ...model, warmUpMs: warmUp.milliseconds } : model,
      };
    } catch (error) {
      engineFailed(error);
      throw error;
    }
  },

  /** Replaces the model with a third-party export (a picked folder or a URL). */
  async loadThirdParty(
    source: ThirdPartySource,
    onProgress?: (progress: DownloadProgress) => void,
  ) {
    const started = performance.now();
    modelLoad?.abort();
    const controller = new AbortController();
    modelLoad = controller;
    const thirdPartyEntry = tuning.layerEntry ?? THIRD_PARTY_LAYER_ENTRY;
    let opened: Awaited<ReturnType<typeof openThirdParty>>;
    try {
      opened = await openThirdParty(
        source,
        chosenBackend,
        onProgress,
        controller.signal,
        thirdPartyEntry,
      );
    } finally {
      if (modelLoad === controller) modelLoad = null;
    }
    const next = opened.model;
    // Cancelled after the download, while sessions were created: keep the current model.
    if (controller.signal.aborted) {
      void next.bundle.session.release().catch(() => undefined);
      throw asCancellation(new Error("cancelled"), controller.signal);
    }
    const previous = engine;
    stopPeers();
    engine = next;
    engineLoaded(next);
    if (previous) void previous.bundle.session.release().catch(() => undefined);
    // Its entry graphs, when asked for: opened after "ready", kept for the model's
    // lifetime (entry-graphs.ts; only the layers its memory budget allows).
    // Without layer entry, not even its warm-up (a prefill of a blank image) is run.
    entryGraphs = thirdPartyEntry ? openEntryGraphs(next).catch(() => null) : Promise.resolve(null);
    const info = thirdPartyInfo(opened);
    const model = {
      ...modelInfo(next, performance.now() - started),
      headUnit: info.capabilities.headUnit === "kv-group" ? ("group" as const) : ("head" as const),
      attentionMaps: info.capabilities.attentionWeights,
    };
    return { model, thirdParty: info };
  },

  /** The image at the model's resolution: what every analysis (and a permalink) uses. */
  async prepareImage(image: RgbaImage): Promise<RgbaImage> {
    const small = toModelResolution(image, (await loaded()).bundle.manifest.image.size);
    return Comlink.transfer(small, [small.data.buffer as ArrayBuffer]);
  },

  async ask(image: AnalysisInput["image"], question: string) {
    return ask(await loaded(), image, { question, top: 5 });
  },

  /** The scoring worker's end of a MessageChannel: attribution batches go there directly. */
  connectScoring(port: MessagePort): void {
    scoring = Comlink.wrap<ScoringApi>(port);
  },

  /**
   * With `request.fitId` (and the scoring worker connected) the fit runs in the scoring
   * worker, whose progress the main thread watches; otherwise here, reported by `onUpdate`.
   */
  async attribute(request: AttributeRequest, onUpdate: (update: AttributionUpdate) => void) {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const link =
      request.fitId !== undefined && scoring !== null
        ? createFitLink(scoring, request.fitId)
        : null;
    try {
      return await attribute(await loaded(), request.image, {
        question: request.question,
        baseline: baselineSpec(request),
        target: request.target,
        settings: request.settings,
        signal: controller.signal,
        ...(link ? { fitter: forwardingFitter(link) } : {}),
        onProgress: ({ done, total, partial }) => {
          // Read between batches: the cancel message cannot arrive while batches run.
          if (isCancelRaised(request.cancelFlag)) controller.abort();
          // With a remote fit, progress and partial fits come from the scoring worker.
          if (link) return;
          // Not awaited: the main thread's answer must never hold up the next batch.
          void onUpdate(
            partial
              ? { done, total, scores: partial.scores, heldOutR: partial.heldOutR }
              : { done, total },
          );
        },
      });
    } catch (error) {
      throw asCancellation(error, controller.signal);
    } finally {
      link?.dispose();
      if (running === controller) running = null;
    }
  },

  cancel(): void {
    running?.abort();
  },

  /** Cancels loading a third-party model (its download); the current model stays. */
  cancelModelLoad(): void {
    modelLoad?.abort();
  },

  async ablate(input: AnalysisInput, heads: HeadRef[]) {
    return ablate(await loaded(), input.image, {
      heads,
      question: input.question,
      baseline: baselineSpec(input),
      target: input.target,
      top: 5,
    });
  },

  /**
   * Head (layer, head)'s final-token attention over the image, on the image's display grid
   * (a tiled image's mosaic: display-map.ts); null where the block has no such grid.
   */
  async headAttention(input: AnalysisInput, head: HeadRef): Promise<DisplayMap | null> {
    const headflow = await loaded();
    const prefilled = await headflow.prefill(input.image, headflow.prompt(input.question));
    const attentions = await cleanAttentions(headflow.bundle.session, prefilled);
    const row = finalTokenImageAttention(attentions, prefilled, head.layer, head.head);
    return displayMap(row, prefilled, headflow.bundle.manifest.image.grid);
  },

  /** Per-head scores of a ranking other than attribution, layer-major. */
  async ranking(input: AnalysisInput, kind: RankingKind): Promise<Float64Array> {
    const headflow = await loaded();
    const prompt = headflow.prompt(input.question);
    const runner = await headflow.runner(input.image, prompt, baselineSpec(input));
    if (kind === "attention") return attentionToImage(headflow.bundle.session, runner.prefilled);
    const clean = await runner.run(new Uint8Array(runner.maskSize), 1);
    const evaluate = maskTargets(runner, argmax(clean, 0, headflow.vocab), input.target);
    return (await singleHeadEffects(evaluate, runner.maskSize)).effects;
  },

  /** Faithfulness and completeness curves of every ranking (the engine's evaluate). */
  async evaluate(input: AnalysisInput, samples: number, seed: number) {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    try {
      return await evaluate(await loaded(), input.image, {
        question: input.question,
        baseline: baselineSpec(input),
        target: input.target,
        settings: { randomRankings: 2, attribution: { samples, seed } },
        signal: controller.signal,
      });
    } catch (error) {
      throw asCancellation(error, controller.signal);
    } finally {
      if (running === controller) running = null;
    }
  },

  /** Token flow: knockout curves between token groups, and which patches each token reads. */
  async flow(
    input: AnalysisInput,
    request: FlowRequest,
    onProgress: (done: number, total: number) => void,
  ): Promise<TokenFlowRun> {
    return cancellable(async (signal, checkFlag) => {
      const headflow = await loaded();
      const result = await flow(headflow, input.image, {
        question: input.question,
        objectMask: request.objectMask,
        ...(request.window !== undefined ? { window: request.window } : {}),
        signal,
        onProgress: (done, total) => {
          checkFlag();
          void onProgress(done, total);
        },
      });
      const prefilled = await headflow.prefill(input.image, headflow.prompt(input.question));
      const attentions = await cleanAttentions(headflow.bundle.session, prefilled);
      const tokenAttention = textToImageAttention(
        attentions,
        prefilled,
        headflow.bundle.manifest.heads,
      );
      return { result, tokenAttention };
    }, request.cancelFlag);
  },

  /** Object vs background patches, and the per-patch contribution map. */
  async patches(input: AnalysisInput, request: KnockoutRequest) {
    return cancellable(
      async (signal) =>
        objectVsBackground(await loaded(), input.image, {
          question: input.question,
          objectMask: request.objectMask,
          signal,
        }),
      request.cancelFlag,
    );
  },
};

export type InferenceApi = typeof api;

Comlink.expose(api);
