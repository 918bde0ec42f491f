/**
 * Reading a model's files in Node, from a local folder or an http(s) URL. A folder's
 * files are read like any user input (read-checked-file.ts): regular files only, within
 * a limit by kind (model-file-limits.ts), so a FIFO or a link to /dev/zero inside a model
 * folder is refused by name instead of blocking or filling memory. Symbolic links to
 * regular files are followed (the Hugging Face cache links each file to a blob).
 */
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { HeadflowError } from "../errors";
import { fetchReader, type ReadFile } from "../model/files";
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

/** The reader of a model at a local folder or an http(s) URL. */
export function modelReader(location: string, options: ModelReadOptions = {}): ReadFile {
  if (!isUrl(location)) return folderReader(location, options);
  return fetchReader(location, fetch, options.signal ? { signal: options.signal } : {});
}
