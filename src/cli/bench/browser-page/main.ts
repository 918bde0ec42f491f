/**
 * The browser half of the browser benchmark: a page with nothing but the app's real
 * client (src/client: the inference worker runs the masks, the scoring worker fits them,
 * the two talk over their own channel), exposed as `window.headflowBench` for
 * src/cli/bench/browser.ts to drive through Playwright. Built into a temporary folder;
 * never part of the app's build.
 */
import {
  ablate,
  ask,
  attribute,
  loadThirdParty,
  prepareImage,
  startModel,
} from "../../../client/analysis-client";
import { inferenceWorker } from "../../../workers/inference-client";
import type { BackendPreference } from "../../../workers/backend-choice";
import type { BaselineKind, WorkerTuning } from "../../../workers/inference-types";

export interface BrowserBenchStart {
  backend: string;
  reason: string;
  question: string;
  loadMs: number;
  warmUpMs: number | null;
  entryGraphs: { layers: number; milliseconds: number } | null;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

export interface BrowserBenchAttribution {
  /** On the page: from the call to the result (what a user waits). */
  wallMs: number;
  /** In the inference worker (the engine's result timings). */
  workerTotalMs: number;
  prefillMs: number;
  masksMs: number;
  /** Handing batches to the scoring worker, and waiting for its final fit. */
  fitMs: number;
  samples: number;
  heldOutR: number | null;
  /** Progress updates the page received (each one crossed from the scoring worker). */
  updates: number;
}

type PageImage = { name: string; width: number; height: number; data: number[] };

/** What the real-scale bench (real-scale-browser.ts) asks of the page, beside `attribute`. */
export interface RealScalePage {
  /** The app's Model control from a URL: download (Cache API), sessions, processor. */
  loadThirdParty(url: string): Promise<{ loadMs: number; bytes: number; model: unknown }>;
  /** The image at the model's resolution, as the app makes it; kept on the page. */
  prepare(image: PageImage): Promise<{ width: number; height: number; ms: number }>;
  ask(question: string): Promise<{ ms: number; answer: string }>;
  ablate(
    question: string,
    layer: number,
    head: number,
    baseline: BaselineKind,
  ): Promise<{ ms: number; clean: number; ablated: number }>;
  attributeFull(
    question: string,
    baseline: BaselineKind,
  ): Promise<BrowserBenchAttribution & { batch: unknown }>;
  /** The attribution's last progress (read while it runs). */
  progress(): { done: number; total: number } | null;
  /** performance.measureUserAgentSpecificMemory (cross-origin isolated pages), if any. */
  memory(): Promise<unknown>;
}

export interface BrowserBench {
  start(
    preference: BackendPreference,
    modelUrl: string,
    tuning: WorkerTuning,
  ): Promise<BrowserBenchStart>;
  attribute(
    image: { name: string; width: number; height: number; data: number[] },
    question: string,
    batchSize?: number,
  ): Promise<BrowserBenchAttribution>;
}

let prepared: (PageImage & { data: Uint8Array }) | null = null;
let lastProgress: { done: number; total: number } | null = null;

function preparedImage() {
  if (!prepared) throw new Error("prepare an image first");
  return prepared;
}

const realScale: RealScalePage = {
  async loadThirdParty(url) {
    const perFile = new Map<string, number>();
    const started = performance.now();
    // Relative to the page: the bench serves the export beside it.
    const absolute = new URL(url, location.href).href;
    const report = await loadThirdParty({ kind: "url", url: absolute }, (progress) => {
      perFile.set(progress.path, progress.loaded);
    });
    const bytes = [...perFile.values()].reduce((sum, n) => sum + n, 0);
    return { loadMs: performance.now() - started, bytes, model: report };
  },

  async prepare(image) {
    const started = performance.now();
    const small = await prepareImage({ ...image, data: Uint8Array.from(image.data) });
    prepared = { ...small, name: image.name, data: small.data } as PageImage & {
      data: Uint8Array;
    };
    return { width: small.width, height: small.height, ms: performance.now() - started };
  },

  async ask(question) {
    const started = performance.now();
    const result = await ask({
      image: preparedImage(),
      question,
      baseline: "blank",
      target: "logit",
    });
    return { ms: performance.now() - started, answer: result.answer };
  },

  async ablate(question, layer, head, baseline) {
    const started = performance.now();
    const result = await ablate({ image: preparedImage(), question, baseline, target: "logit" }, [
      { layer, head },
    ]);
    return {
      ms: performance.now() - started,
      clean: result.clean.target,
      ablated: result.ablated.target,
    };
  },

  async attributeFull(question, baseline) {
    lastProgress = null;
    let updates = 0;
    const started = performance.now();
    const result = await attribute(
      { image: preparedImage(), question, baseline, target: "logit" },
      {},
      (update) => {
        updates++;
        lastProgress = { done: update.done, total: update.total };
      },
    ).result;
    const { timings } = result;
    return {
      wallMs: performance.now() - started,
      workerTotalMs: timings.totalMs,
      prefillMs: timings.prefillMs ?? 0,
      masksMs: timings.masksMs ?? 0,
      fitMs: timings.fitMs ?? 0,
      samples: result.settings.samples,
      heldOutR: result.fit.heldOutR,
      updates,
      batch: result.batch ?? null,
    };
  },

  progress: () => lastProgress,

  async memory() {
    const measure = (
      performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<unknown> }
    ).measureUserAgentSpecificMemory;
    if (!measure) return { unavailable: "performance.measureUserAgentSpecificMemory" };
    return measure.call(performance);
  },
};

const bench: BrowserBench & RealScalePage = {
  ...realScale,
  async start(preference, modelUrl, tuning) {
    await inferenceWorker().tune(tuning);
    const report = await startModel(preference, modelUrl);
    const entryGraphs = await inferenceWorker().entryGraphs();
    const decodePeers = await inferenceWorker().decodePeers();
    return {
      backend: report.backend,
      reason: report.reason,
      question: report.model.questions[0] ?? "",
      loadMs: report.model.loadMs,
      warmUpMs: report.model.warmUpMs ?? null,
      entryGraphs,
      decodePeers,
      crossOriginIsolated: self.crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
    };
  },

  async attribute(image, question, batchSize) {
    let updates = 0;
    const started = performance.now();
    const result = await attribute(
      {
        image: { ...image, data: Uint8Array.from(image.data) },
        question,
        baseline: "mean",
        target: "logit",
      },
      batchSize === undefined ? {} : { batchSize },
      () => updates++,
    ).result;
    const wallMs = performance.now() - started;
    const { timings } = result;
    return {
      wallMs,
      workerTotalMs: timings.totalMs,
      prefillMs: timings.prefillMs ?? 0,
      masksMs: timings.masksMs ?? 0,
      fitMs: timings.fitMs ?? 0,
      samples: result.settings.samples,
      heldOutR: result.fit.heldOutR,
      updates,
    };
  },
};

(window as unknown as { headflowBench: BrowserBench & RealScalePage }).headflowBench = bench;
