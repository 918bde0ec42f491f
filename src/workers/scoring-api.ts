/**
 * The scoring worker's API, free of worker globals so that Node tests call it directly:
 * the attribution's ridge fit (fed batch by batch while the inference worker runs masks),
 * and the image-set statistics (per-set mean and standard error, image x image
 * similarity, the semantic-vs-appearance permutation test). Every number is the engine's
 * (StreamingFit, buildSetsResult); this module only keeps fits apart by id.
 *
 * A fit is fed by the inference worker over its own MessageChannel (fit-link.ts) and
 * watched by the main thread, which gets each batch's progress without relaying a batch.
 */
import {
  type SetsResult,
  StreamingFit,
  type AttributionEstimate,
  type AttributionSettings,
  HeadflowError,
  type SetImageResult,
  buildSetsResult,
  type SetsContext,
} from "../engine";
import type { FitProgress } from "./scoring-types";

interface OpenFit {
  fit: StreamingFit;
  done: number;
  total: number;
}

export function createScoringApi() {
  const fits = new Map<number, OpenFit>();
  /** Progress listeners by fit id; set by the main thread before the fit starts. */
  const watchers = new Map<number, (progress: FitProgress) => void>();

  const open = (id: number): OpenFit => {
    const entry = fits.get(id);
    if (!entry) throw new HeadflowError("bad-argument", `no attribution fit ${id} is open`);
    return entry;
  };

  return {
    startFit(id: number, size: number, settings: AttributionSettings): void {
      fits.set(id, { fit: new StreamingFit(size, settings), done: 0, total: settings.samples });
    },

    addBatch(id: number, masks: Uint8Array, values: Float64Array): FitProgress {
      const entry = open(id);
      const partial = entry.fit.add(masks, values);
      entry.done += values.length;
      const progress = { done: entry.done, total: entry.total, ...(partial ? { partial } : {}) };
      // A comlink proxy when the main thread watches: posted, never awaited.
      void watchers.get(id)?.(progress);
      return progress;
    },

    /** Calls `onProgress` with fit `id`'s progress after each batch, until it is unwatched. */
    watchFit(id: number, onProgress: (progress: FitProgress) => void): void {
      watchers.set(id, onProgress);
    },

    unwatchFit(id: number): void {
      watchers.delete(id);
    },

    /** The final fit; the fit is closed afterwards. */
    finishFit(id: number): AttributionEstimate {
      const estimate = open(id).fit.finish();
      fits.delete(id);
      return estimate;
    },

    /** Forgets a fit that will not finish (a cancelled or failed run). */
    dropFit(id: number): void {
      fits.delete(id);
    },

    /** The `headflow sets` result of attributed images (the CLI's own function). */
    setsResult(context: SetsContext, images: SetImageResult[], totalMs: number): SetsResult {
      return buildSetsResult(context, images, totalMs);
    },
  };
}

export type ScoringApi = ReturnType<typeof createScoringApi>;
