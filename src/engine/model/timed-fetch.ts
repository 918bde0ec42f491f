/**
 * Fetching with the two timeouts a download needs and a cancel: a server that accepts
 * the connection and never answers is given up after `connectTimeoutMs` (no response
 * headers), and one that stops sending mid-body after `stallTimeoutMs` without a byte.
 * A total-time limit would refuse a large file on a slow but steady link; these do not.
 */
import { HeadflowError } from "../errors";

export interface FetchTimeouts {
  /** Longest wait for the response headers, in ms. */
  connectTimeoutMs?: number;
  /** Longest wait for the next bytes of the body, in ms. */
  stallTimeoutMs?: number;
  /** Cancels the request (headers or body). */
  signal?: AbortSignal;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(0)} s`);

export const cancelledDownload = () => new HeadflowError("cancelled", "the download was cancelled");

export interface TimedResponse {
  response: Response;
  /** Reads the whole body, calling `onChunk` with the bytes so far after each chunk. */
  readBody(onChunk: (loaded: number) => void): Promise<Uint8Array[]>;
}

/** Rejects with `error()` after `ms`, unless cleared; the cleared timer never fires. */
function deadline(ms: number, error: () => Error): { promise: Promise<never>; clear(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  promise.catch(() => undefined);
  return { promise, clear: () => clearTimeout(timer) };
}

/** A promise that rejects when `signal` aborts (never, without a signal). */
function whenAborted(signal: AbortSignal | undefined): Promise<never> {
  const promise = new Promise<never>((_, reject) => {
    if (signal?.aborted) reject(cancelledDownload());
    signal?.addEventListener("abort", () => reject(cancelledDownload()), { once: true });
  });
  promise.catch(() => undefined);
  return promise;
}

/**
 * Fetches `url`; `describe` names what is fetched in errors ("model file config.json").
 * Timeouts and cancel end the request (its AbortController) and reject with a
 * HeadflowError: code "bad-model" for a timeout, "cancelled" for a cancel.
 */
export async function timedFetch(
  url: string,
  describe: string,
  fetchFn: typeof fetch,
  options: FetchTimeouts = {},
): Promise<TimedResponse> {
  const connectMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const stallMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const controller = new AbortController();
  const cancelled = whenAborted(options.signal);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const finish = () => options.signal?.removeEventListener("abort", onAbort);

  const headers = deadline(
    connectMs,
    () =>
      new HeadflowError(
        "bad-model",
        `${describe}: ${url} did not answer within ${seconds(connectMs)} (the server accepted the connection but sent no response)`,
      ),
  );
  let response: Response;
  try {
    response = await Promise.race([
      fetchFn(url, { signal: controller.signal }),
      headers.promise,
      cancelled,
    ]);
  } catch (error) {
    controller.abort();
    finish();
    throw error;
  } finally {
    headers.clear();
  }

  return {
    response,
    async readBody(onChunk) {
      const chunks: Uint8Array[] = [];
      const reader = response.body?.getReader();
      try {
        if (!reader) {
          chunks.push(new Uint8Array(await Promise.race([response.arrayBuffer(), cancelled])));
          onChunk(chunks[0]!.length);
          return chunks;
        }
        let loaded = 0;
        for (;;) {
          const stall = deadline(
            stallMs,
            () =>
              new HeadflowError(
                "bad-model",
                `${describe}: the download from ${url} stalled (no data for ${seconds(stallMs)} after ${loaded} bytes)`,
              ),
          );
          let next: ReadableStreamReadResult<Uint8Array>;
          try {
            next = await Promise.race([reader.read(), stall.promise, cancelled]);
          } finally {
            stall.clear();
          }
          if (next.done) return chunks;
          chunks.push(next.value);
          loaded += next.value.length;
          onChunk(loaded);
        }
      } catch (error) {
        // A timeout, a cancel or a refusal by onChunk (too large): end the request.
        controller.abort();
        await reader?.cancel().catch(() => undefined);
        throw error;
      } finally {
        finish();
      }
    },
  };
}
