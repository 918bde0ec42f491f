/**
 * The scoring worker: regression, aggregation and similarity off the main thread and off
 * the inference worker, which meanwhile runs the next batch of masks. The logic is in
 * scoring-api.ts (tested in Node); this file only exposes it through comlink.
 */
import "../zod-jitless";
import * as Comlink from "comlink";
import { createScoringApi } from "./scoring-api";

Comlink.expose(createScoringApi());
