/**
 * A long run in the inference worker that the caller may stop: its result, and a cancel
 * that reaches the worker even while it runs batch after batch (cancel-flag.ts).
 */
import { createCancelFlag, raiseCancelFlag, type CancelFlag } from "../workers/cancel-flag";

export interface Running<T> {
  result: Promise<T>;
  /** Stops the run; `result` then rejects with a cancellation (`isCancellation`). */
  cancel(): void;
}

/** A cancelled run's rejection: the worker names it AbortError (comlink keeps the name). */
export function isCancellation(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

/**
 * Starts `work` with a fresh cancel flag (absent without shared memory); `stop` is the
 * worker's own cancel message, the only path when there is no flag.
 */
export function startRunning<T>(
  work: (cancelFlag: { cancelFlag?: CancelFlag }) => Promise<T>,
  stop: () => void,
): Running<T> {
  const flag = createCancelFlag();
  return {
    result: work(flag ? { cancelFlag: flag } : {}),
    cancel() {
      raiseCancelFlag(flag);
      stop();
    },
  };
}
