/**
 * The browser half of `headflow bench --browser`: a page with nothing but the app's real
 * inference worker (src/workers/inference-client.ts), exposed as `window.headflowBench`
 * for the benchmark to drive through Playwright. Built into a temporary folder by
 * src/cli/bench/browser.ts; never part of the app's build.
 */
import * as Comlink from "comlink";
import { inferenceWorker } from "../../../workers/inference-client";
import type { BackendPreference } from "../../../workers/backend-choice";

export interface BrowserBenchRun {
  backend: string;
  reason: string;
  loadMs: number;
  question: string;
  samples: number;
  heldOutR: number | null;
  /** Wall time of each attribution, from the call to the result, in order. */
  attributionMs: number[];
}

export interface BrowserBench {
  run(
    preference: BackendPreference,
    modelUrl: string,
    image: { name: string; width: number; height: number; data: number[] },
    repeats: number,
  ): Promise<BrowserBenchRun>;
}

const bench: BrowserBench = {
  async run(preference, modelUrl, image, repeats) {
    const worker = inferenceWorker();
    const report = await worker.start(preference, modelUrl);
    const question = report.model.questions[0] ?? "";
    const attributionMs: number[] = [];
    let heldOutR: number | null = null;
    let samples = 0;
    for (let r = 0; r < repeats; r++) {
      const started = performance.now();
      const result = await worker.attribute(
        {
          image: { ...image, data: Uint8Array.from(image.data) },
          question,
          baseline: "mean",
          target: "logit",
          settings: {},
        },
        Comlink.proxy(() => {}),
      );
      attributionMs.push(performance.now() - started);
      heldOutR = result.fit.heldOutR;
      samples = result.settings.samples;
    }
    return {
      backend: report.backend,
      reason: report.reason,
      loadMs: report.model.loadMs,
      question,
      samples,
      heldOutR,
      attributionMs,
    };
  },
};

(window as unknown as { headflowBench: BrowserBench }).headflowBench = bench;
