import { HeadflowError, errorMessage } from "../errors";

/**
 * How the engine reads a bundle's files: a path relative to the bundle root in, the bytes
 * out. A fetch-based reader serves the browser (and URLs in Node); a filesystem reader
 * lives in `node/`. Readers throw HeadflowError("bad-model") naming the missing file.
 */
export type ReadFile = (path: string) => Promise<Uint8Array>;

/** Reads bundle files over HTTP(S) relative to `baseUrl` (a trailing slash is added). */
export function fetchReader(baseUrl: string, fetchFn: typeof fetch = fetch): ReadFile {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  return async (path) => {
    const url = new URL(path, base).href;
    let response: Response;
    try {
      response = await fetchFn(url);
    } catch (error) {
      throw new HeadflowError(
        "bad-model",
        `model file ${path} could not be fetched from ${url}: ${errorMessage(error)}`,
      );
    }
    if (response.status === 404) {
      throw new HeadflowError("bad-model", `model file ${path} is missing (${url} answered 404)`);
    }
    if (!response.ok) {
      throw new HeadflowError(
        "bad-model",
        `model file ${path} could not be fetched: ${url} answered ${response.status}`,
      );
    }
    return new Uint8Array(await response.arrayBuffer());
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
