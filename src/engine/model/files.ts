import { HeadflowError, errorMessage } from "../errors";
import { timedFetch, type FetchTimeouts, type TimedResponse } from "./timed-fetch";

/**
 * How the engine reads a bundle's files: a path relative to the bundle root in, the bytes
 * out. A fetch-based reader serves the browser (and URLs in Node); a filesystem reader
 * lives in `node/`. Readers throw HeadflowError("bad-model") naming the missing file.
 */
export type ReadFile = (path: string) => Promise<Uint8Array>;

/**
 * Reads bundle files over HTTP(S) relative to `baseUrl` (a trailing slash is added). A
 * server that does not answer or stops sending is given up on (see timed-fetch.ts).
 */
export function fetchReader(
  baseUrl: string,
  fetchFn: typeof fetch = fetch,
  timeouts: FetchTimeouts = {},
): ReadFile {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  return async (path) => {
    const url = new URL(path, base).href;
    const timed = await fetchModelFile(url, path, fetchFn, timeouts);
    const chunks = await timed.readBody(() => undefined);
    const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return bytes;
  };
}

/** Reads and parses a JSON file of the bundle, naming the file when it is not JSON. */
export async function readJson(read: ReadFile, path: string): Promise<unknown> {
  const bytes = await read(path);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new HeadflowError("bad-model", `model file ${path} is corrupt: ${errorMessage(error)}`);
  }
}

/**
 * Fetches one model file with the download timeouts; a failed request, a 404 or another
 * error status becomes one clear `bad-model` error naming the file. The body is left to
 * the caller (read whole, or streamed with progress).
 */
export async function fetchModelFile(
  url: string,
  path: string,
  fetchFn: typeof fetch,
  timeouts: FetchTimeouts,
): Promise<TimedResponse> {
  let timed: TimedResponse;
  try {
    timed = await timedFetch(url, `model file ${path}`, fetchFn, timeouts);
  } catch (error) {
    if (error instanceof HeadflowError) throw error;
    throw new HeadflowError(
      "bad-model",
      `model file ${path} could not be fetched from ${url}: ${errorMessage(error)}`,
    );
  }
  const { response } = timed;
  if (!response.ok) await response.body?.cancel().catch(() => undefined);
  if (response.status === 404) {
    throw new HeadflowError("bad-model", `model file ${path} is missing (${url} answered 404)`);
  }
  if (!response.ok) {
    throw new HeadflowError(
      "bad-model",
      `model file ${path} could not be fetched: ${url} answered ${response.status}`,
    );
  }
  return timed;
}
