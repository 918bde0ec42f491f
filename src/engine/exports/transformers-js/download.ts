/**
 * Reading an export from a URL: each file is streamed with progress, kept in a cache
 * (the browser's Cache API, injected) so a second visit loads without the network, and
 * refused clearly when it cannot be held in memory. A server that never answers or stops
 * sending is given up on (connect and stall timeouts), and a signal cancels the download.
 */
import { HeadflowError, errorMessage } from "../../errors";
import { fetchModelFile, type ReadFile } from "../../model/files";
import type { FetchTimeouts, TimedResponse } from "../../model/timed-fetch";

/** The part of the Cache API used here (a `Cache` from `caches.open`). */
export interface ResponseCache {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}

export interface DownloadProgress {
  path: string;
  loaded: number;
  /** From Content-Length; null when the server does not say. */
  total: number | null;
  cached: boolean;
}

export interface DownloadOptions extends FetchTimeouts {
  fetchFn?: typeof fetch;
  cache?: ResponseCache | null;
  onProgress?: (progress: DownloadProgress) => void;
  /** Largest single file accepted, in bytes (an ArrayBuffer limit, or a memory budget). */
  maxBytes?: number;
}

/** 2 GiB: the largest ArrayBuffer every browser allocates, and onnxruntime-web's limit. */
export const DEFAULT_MAX_BYTES = 2 ** 31 - 1;

const mib = (bytes: number) =>
  bytes < 2 ** 20 ? `${bytes} bytes` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function readStream(
  body: TimedResponse,
  path: string,
  total: number | null,
  onChunk: (loaded: number) => void,
): Promise<Uint8Array<ArrayBuffer>> {
  const chunks = await body.readBody(onChunk);
  const loaded = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  let out: Uint8Array<ArrayBuffer>;
  try {
    out = new Uint8Array(loaded);
  } catch (error) {
    throw new HeadflowError(
      "bad-model",
      `model file ${path} (${mib(loaded)}) does not fit in memory: ${errorMessage(error)}`,
    );
  }
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  if (total !== null && loaded !== total) {
    throw new HeadflowError(
      "bad-model",
      `model file ${path} arrived incomplete: ${loaded} of ${total} bytes`,
    );
  }
  return out;
}

export function downloadReader(baseUrl: string, options: DownloadOptions = {}): ReadFile {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const fetchFn = options.fetchFn ?? fetch;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const report = options.onProgress ?? (() => {});
  return async (path) => {
    const url = new URL(path, base).href;
    const hit = options.cache ? await options.cache.match(url) : undefined;
    if (hit) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      report({ path, loaded: bytes.length, total: bytes.length, cached: true });
      return bytes;
    }
    const timed = await fetchModelFile(url, path, fetchFn, options);
    const { response } = timed;
    const header = response.headers.get("content-length");
    const total = header !== null && /^\d+$/.test(header) ? Number(header) : null;
    if (total !== null && total > maxBytes) {
      throw new HeadflowError(
        "bad-model",
        `model file ${path} is ${mib(total)}, more than the ${mib(maxBytes)} one file may take here (browser ArrayBuffer and memory limits): choose a smaller or quantised export`,
      );
    }
    const bytes = await readStream(timed, path, total, (loaded) => {
      if (loaded > maxBytes) {
        throw new HeadflowError(
          "bad-model",
          `model file ${path} is larger than the ${mib(maxBytes)} one file may take here`,
        );
      }
      report({ path, loaded, total, cached: false });
    });
    if (options.cache) {
      // A full cache (quota) only costs the next visit a download: not an error.
      await options.cache.put(url, new Response(bytes)).catch(() => undefined);
    }
    return bytes;
  };
}
