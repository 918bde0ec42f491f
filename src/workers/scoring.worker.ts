/**
 * The scoring worker: regression, aggregation and similarity off the main thread and off
 * the inference worker, which meanwhile runs the next batch of masks. The logic is in
 * scoring-api.ts (tested in Node); this file only exposes it through comlink: to the main
 * thread, and to the inference worker over the MessagePort `connect` is given.
 */
import "../zod-jitless";
import * as Comlink from "comlink";
import { createScoringApi } from "./scoring-api";

const api = createScoringApi();

const workerApi = {
  ...api,
  /** Serves the same fits to the inference worker, which sends its batches straight here. */
  connect(port: MessagePort): void {
    Comlink.expose(api, port);
  },
};

export type ScoringWorkerApi = typeof workerApi;

Comlink.expose(workerApi);
