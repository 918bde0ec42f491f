/**
 * A ReadFile over files the user picked or dropped (a folder in the browser): paths are
 * relative to the folder, whether or not the picker kept the folder's own name in front.
 */
import { HeadflowError, errorMessage } from "../../errors";
import type { ReadFile } from "../../model/files";

export interface PickedFile {
  /** Path inside the picked folder, `/`-separated (e.g. `tiny-smolvlm/onnx/x.onnx`). */
  path: string;
  file: Blob;
}

/** The single top folder every path starts with, if there is one. */
function commonTop(paths: string[]): string | null {
  const tops = new Set(paths.map((p) => (p.includes("/") ? p.slice(0, p.indexOf("/")) : "")));
  if (tops.size !== 1) return null;
  const [top] = tops;
  return top ? `${top}/` : null;
}

export function fileMapReader(files: PickedFile[]): ReadFile {
  const paths = files.map((f) => f.path.replace(/^\/+/, ""));
  const top = paths.some((p) => p === "config.json") ? null : commonTop(paths);
  const byPath = new Map<string, Blob>();
  files.forEach((f, i) => byPath.set(top ? paths[i]!.slice(top.length) : paths[i]!, f.file));
  return async (path) => {
    const file = byPath.get(path);
    if (!file) {
      throw new HeadflowError("bad-model", `model file ${path} is missing from the chosen folder`);
    }
    try {
      return new Uint8Array(await file.arrayBuffer());
    } catch (error) {
      throw new HeadflowError(
        "bad-model",
        `model file ${path} (${(file.size / 2 ** 20).toFixed(0)} MiB) could not be read: ${errorMessage(error)}`,
      );
    }
  };
}
