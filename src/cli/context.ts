/** What every command needs: the model (loaded once) and decoded images. */
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import {
  NODE_SESSION_OPTIONS,
  readImageFile,
  loadBundleNode,
  nodeImageDecoder,
  isThirdPartyLocation,
  isUrl,
  loadThirdPartyNode,
  modelReader,
} from "../engine/node";
import {
  Headflow,
  HeadflowError,
  parseBaselineArg,
  type BaselineSpec,
  type NamedImage,
  type OrtSessionOptions,
} from "../engine";

/** The bundled demo model, found relative to this file so any working folder works. */
export const DEFAULT_MODEL = fileURLToPath(
  new URL("../../public/models/emoji-vlm", import.meta.url),
);

export interface ModelLoad {
  sessionOptions?: OrtSessionOptions;
  layerEntry?: boolean;
  /** `--dtype`: a transformers.js export's graph variant (bundles have one: refused). */
  dtype?: string;
  /** Ctrl-C: stops a download at once, a folder read before its next file. */
  signal?: AbortSignal | undefined;
}

/**
 * The model at `location` (default: the bundled one); every file of it is read through
 * the checked, cancellable reader (src/engine/node/files.ts). `load` (bundles only) sets
 * the onnxruntime session options and whether ablation runs may enter the decoder at a
 * later layer; the benchmark uses them.
 */
export async function openModel(
  location: string | undefined,
  load: ModelLoad = {},
): Promise<Headflow> {
  const { signal } = load;
  // A folder with config.json but no headflow.json is a third-party transformers.js export.
  if (location !== undefined) {
    await requireFolder(location);
    if (await isThirdPartyLocation(location, { signal })) {
      return loadThirdPartyNode(location, {
        signal,
        ...(load.dtype !== undefined ? { dtype: load.dtype } : {}),
        ...(load.layerEntry !== undefined ? { layerEntry: load.layerEntry } : {}),
      });
    }
    await requireModelFiles(location, signal);
  }
  if (load.dtype !== undefined) {
    throw new HeadflowError(
      "bad-argument",
      `--dtype ${load.dtype}: only transformers.js exports come in dtype variants, and ${location ?? "the bundled model"} is a HeadFlow bundle`,
    );
  }
  const bundle = await loadBundleNode(
    location ?? DEFAULT_MODEL,
    load.sessionOptions ?? NODE_SESSION_OPTIONS,
    { ...(load.layerEntry === undefined ? {} : { layerEntry: load.layerEntry }), signal },
  );
  return new Headflow(bundle, nodeImageDecoder, "onnxruntime-node (cpu)");
}

/** A local --model must be a folder: said plainly, before any of its files is looked for. */
async function requireFolder(location: string): Promise<void> {
  if (isUrl(location)) return;
  const kind = await stat(location).then(
    (stats) => (stats.isDirectory() ? "folder" : "not a folder"),
    () => "no such folder",
  );
  if (kind !== "folder") throw new HeadflowError("bad-model", `--model ${location}: ${kind}`);
}

/**
 * Refuses a folder that is neither kind of model, naming both files looked for (not only
 * the bundle's headflow.json, which would hide that a transformers.js export lacks its
 * config.json).
 */
async function requireModelFiles(location: string, signal?: AbortSignal): Promise<void> {
  const read = modelReader(location, { signal });
  const missing = await read("headflow.json").then(
    () => false,
    (error: unknown) => error instanceof HeadflowError && / is missing/.test(error.message),
  );
  if (missing) {
    throw new HeadflowError(
      "bad-model",
      `--model ${location} holds no model: neither headflow.json (a HeadFlow bundle) nor config.json (a transformers.js export) is there`,
    );
  }
}

export async function openImage(path: string): Promise<NamedImage> {
  return readImageFile(path);
}

/** `--baseline mean|blank|image:<file>`; the image file is decoded here. */
export async function openBaseline(text: string | undefined): Promise<BaselineSpec> {
  const parsed = parseBaselineArg(text ?? "mean");
  if (parsed.kind !== "image") return parsed;
  const image = await readImageFile(parsed.path);
  return { kind: "image", name: image.name, image };
}
