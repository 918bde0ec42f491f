/** Bundle file reading from a local folder (Node only). */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { HeadflowError, errorMessage } from "../errors";
import type { ReadFile } from "../model/files";

export function folderReader(folder: string): ReadFile {
  const root = resolve(folder);
  return async (path) => {
    const full = join(root, path);
    try {
      return new Uint8Array(await readFile(full));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        throw new HeadflowError("bad-model", `model file ${path} is missing (looked for ${full})`);
      }
      throw new HeadflowError(
        "bad-model",
        `model file ${path} could not be read: ${errorMessage(error)}`,
      );
    }
  };
}
