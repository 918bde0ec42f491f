/**
 * Which file of a graph to open, and with what: the dtype candidates of config.ts are
 * tried in order (a missing file costs nothing, a session that does not open is recorded
 * with its reason and the next dtype is tried), each with the external data chunks
 * transformers.js would load for it (`<file>.onnx_data`, `<file>.onnx_data_1`, ...; its
 * utils/model-loader.js getExternalDataChunkNames), read through the same checked reader.
 */
import { HeadflowError, errorMessage } from "../../errors";
import type { ReadFile } from "../../model/files";
import type { OrtModule, OrtSession, OrtSessionOptions } from "../../model/ort";
import { graphPath, type GraphName, type ThirdPartyManifest } from "./config";

/** One graph file of one dtype, with its external data chunks. */
export interface GraphFile {
  graph: GraphName;
  dtype: string;
  path: string;
  bytes: Uint8Array;
  /** `{ path, data }` per chunk, `path` relative to the graph (as onnxruntime resolves it). */
  externalData: { path: string; data: Uint8Array }[];
}

const isMissing = (error: unknown) =>
  error instanceof HeadflowError && / is missing/.test(error.message);

/** A cancel (Ctrl-C, a closed tab) ends the load: it is never a reason to try another dtype. */
const isCancel = (error: unknown) =>
  (error instanceof Error && error.name === "AbortError") ||
  (error instanceof HeadflowError && error.code === "cancelled");

/** transformers.js's chunk names: `<file>_data`, then `<file>_data_1`, `<file>_data_2`, ... */
export function externalDataNames(file: string, chunks: number): string[] {
  return Array.from({ length: chunks }, (_, i) => `${file}_data${i === 0 ? "" : `_${i}`}`);
}

async function readGraphFile(
  read: ReadFile,
  tp: Pick<ThirdPartyManifest, "externalDataChunks">,
  graph: GraphName,
  dtype: string,
): Promise<GraphFile | { missing: unknown }> {
  const path = graphPath(graph, dtype);
  let bytes: Uint8Array;
  try {
    bytes = await read(path);
  } catch (error) {
    if (isMissing(error)) return { missing: error };
    throw error;
  }
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dir = path.slice(0, path.lastIndexOf("/") + 1);
  const chunks = externalDataNames(name, tp.externalDataChunks(graph, dtype));
  const externalData: GraphFile["externalData"] = [];
  for (const chunk of chunks) {
    try {
      externalData.push({ path: chunk, data: await read(`${dir}${chunk}`) });
    } catch (error) {
      if (!isMissing(error)) throw error;
      throw new HeadflowError(
        "bad-model",
        `model file ${dir}${chunk} is absent: config.json's transformers.js_config.use_external_data_format gives ${path} ${chunks.length} external data file(s) (${chunks.join(", ")})`,
      );
    }
  }
  return { graph, dtype, path, bytes, externalData };
}

/**
 * Opens the first dtype of `tp.dtypes[graph]` that the export has and that `attempt`
 * accepts. Every dtype tried and failed is recorded in `tp.dtypeNotes` (shown with the
 * model); when none opens, the error names each dtype and why.
 */
export async function openGraphFile<T>(
  read: ReadFile,
  tp: Pick<ThirdPartyManifest, "dtypes" | "dtypeNotes" | "dtypeFailed" | "externalDataChunks">,
  graph: GraphName,
  attempt: (file: GraphFile) => Promise<T>,
): Promise<{ file: GraphFile; value: T }> {
  const candidates = tp.dtypes[graph];
  const failures: { dtype: string; path: string; error: unknown }[] = [];
  const missing: string[] = [];
  let firstMissing: unknown = null;
  for (const dtype of candidates) {
    const path = graphPath(graph, dtype);
    try {
      // Scoped so that a failed dtype's bytes can be collected before the next is read.
      const file = await readGraphFile(read, tp, graph, dtype);
      if ("missing" in file) {
        firstMissing ??= file.missing;
        missing.push(path);
        continue;
      }
      const value = await attempt(file);
      for (const f of failures) {
        tp.dtypeFailed.push(`${graph} ${f.dtype}`);
        tp.dtypeNotes.push(
          `${graph}: ${f.dtype} (${f.path}) did not open (${errorMessage(f.error)}); ${dtype} opened instead`,
        );
      }
      return { file, value };
    } catch (error) {
      if (isCancel(error)) throw error;
      failures.push({ dtype, path, error });
    }
  }
  if (failures.length === 0) {
    // One variant looked for: the reader's own error (it says where it looked).
    if (missing.length === 1) throw firstMissing;
    throw new HeadflowError(
      "bad-model",
      `model file ${missing[0]} is missing, and so are its other dtype variants (${missing
        .slice(1)
        .join(", ")})`,
    );
  }
  // One variant present and refused: its own error, unchanged.
  if (failures.length === 1) throw failures[0]!.error;
  throw new HeadflowError(
    "bad-model",
    `no dtype of the ${graph} graph could be opened: ${failures
      .map((f) => `${f.dtype} (${f.path}): ${errorMessage(f.error)}`)
      .join("; ")}${missing.length > 0 ? `; not in the export: ${missing.join(", ")}` : ""}`,
  );
}

/** The session options for `file`: its external data chunks, when it has any. */
export function graphSessionOptions(
  file: Pick<GraphFile, "externalData">,
  options: OrtSessionOptions,
): OrtSessionOptions {
  if (file.externalData.length === 0) return options;
  return { ...options, externalData: file.externalData };
}

/**
 * Creates the session of `file` (its bytes and external data: onnxruntime-web and -node
 * both take the chunks as `{ path, data }` in the `externalData` session option). A graph
 * that refers to external data no config names gets an error saying where to name it.
 */
export async function createGraphSession(
  ort: OrtModule,
  file: Pick<GraphFile, "path" | "bytes" | "externalData">,
  options: OrtSessionOptions,
): Promise<OrtSession> {
  try {
    return await ort.InferenceSession.create(file.bytes, graphSessionOptions(file, options));
  } catch (error) {
    if (file.externalData.length === 0 && /external data/i.test(errorMessage(error))) {
      throw new HeadflowError(
        "bad-model",
        `its weights are in external data files that config.json does not name (transformers.js reads them only when transformers.js_config.use_external_data_format gives ${file.path.slice(file.path.lastIndexOf("/") + 1)} a chunk count): ${errorMessage(error)}`,
      );
    }
    throw error;
  }
}
