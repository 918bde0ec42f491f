/**
 * The browser half of the browser benchmark: a page with nothing but the app's real
 * client (src/client: the inference worker runs the masks, the scoring worker fits them,
 * the two talk over their own channel), exposed as `window.headflowBench` for
 * src/cli/bench/browser.ts to drive through Playwright. Built into a temporary folder;
 * never part of the app's build.
 */
import { attribute, startModel } from "../../../client/analysis-client";
import { inferenceWorker } from "../../../workers/inference-client";
import type { BackendPreference } from "../../../workers/backend-choice";
import type { WorkerTuning } from "../../../workers/inference-types";

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

const bench: BrowserBench = {
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

(window as unknown as { headflowBench: BrowserBench }).headflowBench = bench;
