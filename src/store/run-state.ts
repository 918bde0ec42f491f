/**
 * How every store runs model work: only the latest request may write its result (the user
 * can ask again meanwhile, or a new image can make it stale), and a run that ends by an
 * error shows one line of text, or "cancelled" when the user stopped it.
 */
import { isCancellation } from "../client";
import { errorMessage } from "../engine";

export interface LatestRequest {
  /** Starts a request; the check says whether it is still the latest when it ends. */
  start(): () => boolean;
  /**
   * A check that stays true until the next start or reset: for runs that may overlap
   * (two rankings at once) but not outlive a reset.
   */
  current(): () => boolean;
  /** Makes every request started so far stale (a reset). */
  invalidate(): void;
}

export function latestRequest(): LatestRequest {
  let current = 0;
  return {
    start() {
      const mine = ++current;
      return () => mine === current;
    },
    current() {
      const mine = current;
      return () => mine === current;
    },
    invalidate() {
      current++;
    },
  };
}

export interface Failed {
  status: "failed";
  message: string;
}

/** A failed run's state; `context` says what failed ("photo.png could not be prepared"). */
export function failed(error: unknown, context?: string): Failed {
  const message = errorMessage(error);
  return { status: "failed", message: context ? `${context}: ${message}` : message };
}

/** How a run that threw ended: cancelled by the user, or failed. */
export function endedBy(error: unknown): Failed | { status: "cancelled" } {
  return isCancellation(error) ? { status: "cancelled" } : failed(error);
}

/** Where a shown result came from: this page's run, a permalink or the history, a file. */
export type ResultSource = "run" | "link" | "file";

/** A run with progress (token flow, object vs background) that keeps no result itself. */
export type RunState =
  | { status: "idle" }
  | { status: "running"; done: number; total: number }
  | { status: "failed"; message: string }
  | { status: "cancelled" };
