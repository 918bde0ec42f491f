/**
 * The main thread's handle on the scoring worker (started on first use). Attribution
 * batches do not pass through here: the inference worker sends them over a MessageChannel
 * (src/client connects the two workers).
 */
import * as Comlink from "comlink";
import type { ScoringWorkerApi } from "./scoring.worker";

let worker: Comlink.Remote<ScoringWorkerApi> | null = null;

/** The one scoring worker of the page, as a comlink proxy. */
export function scoringWorker(): Comlink.Remote<ScoringWorkerApi> {
  worker ??= Comlink.wrap<ScoringWorkerApi>(
    new Worker(new URL("./scoring.worker.ts", import.meta.url), {
      type: "module",
      name: "headflow-scoring",
    }),
  );
  return worker;
}
