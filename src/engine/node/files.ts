/**
 * Reading a model's files in Node, from a local folder or an http(s) URL. A folder's
 * files are read like any user input (read-checked-file.ts): regular files only, within
 * a limit by kind (model-file-limits.ts), so a FIFO or a link to /dev/zero inside a model
 * folder is refused by name instead of blocking or filling memory; a URL's files are held
 * to the same limits. Symbolic links to
 * regular files are followed (the Hugging Face cache links each file to a blob).
 */
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { HeadflowError } from "../errors";
import { fetchModelFile, type ReadFile } from "../model/files";
import { modelFileLimit } from "./model-file-limits";
import { isMissingFileError, readCheckedFile } from "./read-checked-file";

export interface ModelReadOptions {
  /** Cancels the load: a download stops at once, a folder read before its next file. */
  signal?: AbortSignal | undefined;
}

export const isUrl = (location: string) => /^https?:\/\//.test(location);

export function folderReader(folder: string, options: ModelReadOptions = {}): ReadFile {
  const root = resolve(folder);
  return async (path) => {
    const full = join(root, path);
    const inside = relative(root, full);
    if (inside === "" || inside.split(sep)[0] === ".." || isAbsolute(inside)) {
      throw new HeadflowError("bad-model", `model file ${path} is outside the model folder`);
    }
    const limit = modelFileLimit(path);
    try {
      return await readCheckedFile(full, {
        maxBytes: limit.maxBytes,
        what: `model file (${limit.kind})`,
        code: "bad-model",
        signal: options.signal,
      });
    } catch (error) {
      if (isMissingFileError(error)) {
        throw new HeadflowError("bad-model", `model file ${path} is missing (looked for ${full})`);
      }
      throw error;
    }
  };
}

const sizeText = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/**
 * Reads a model's files from an http(s) URL with the download timeouts and a cancel, each
 * file within its kind's limit: refused by its Content-Length before the body, or once
 * the bytes received pass the limit, so a server that sends without end cannot fill
 * memory.
 */
export function urlReader(baseUrl: string, options: ModelReadOptions = {}): ReadFile {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const timeouts = options.signal ? { signal: options.signal } : {};
  return async (path) => {
    const url = new URL(path, base).href;
    const limit = modelFileLimit(path);
    const tooLarge = (size: string) =>
      new HeadflowError(
        "bad-model",
        `model file ${path} (${limit.kind}) from ${url} is ${size}, over the ${sizeText(limit.maxBytes)} limit`,
      );
    const timed = await fetchModelFile(url, path, fetch, timeouts);
    const header = timed.response.headers.get("content-length");
    if (header !== null && /^\d+$/.test(header) && Number(header) > limit.maxBytes) {
      await timed.response.body?.cancel().catch(() => undefined);
      throw tooLarge(sizeText(Number(header)));
    }
    const chunks = await timed.readBody((loaded) => {
      if (loaded > limit.maxBytes) throw tooLarge(`more than ${loaded} bytes`);
    });
    const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return bytes;
  };
}

/** The reader of a model at a local folder or an http(s) URL. */
export function modelReader(location: string, options: ModelReadOptions = {}): ReadFile {
  return isUrl(location) ? urlReader(location, options) : folderReader(location, options);
}
