/**
 * The inference worker's side of a remote fit: a MaskFitter that hands every batch of
 * masks and targets to a FitSink (fit-link.ts: posted to the scoring worker) without
 * waiting, so the next batch of model runs starts at once.
 */
import type { MaskFitterFactory } from "../engine";
import type { FitSink } from "./scoring-types";

/** `sink`'s calls are posted; their results come back as promises. */
export function forwardingFitter(sink: FitSink): MaskFitterFactory {
  return (size, settings) => {
    void sink.start(size, settings);
    return {
      add(masks, values) {
        // Copies of their own, which the sink may take over (fit-link.ts transfers them):
        // the engine keeps its arrays, and a subarray's buffer holds other masks too.
        void sink.batch(masks.slice(), values.slice());
        return undefined;
      },
      finish: () => sink.finish(),
    };
  };
}
