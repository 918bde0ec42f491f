/** What every command needs: the model (loaded once) and decoded images. */
import { fileURLToPath } from "node:url";
import {
  NODE_SESSION_OPTIONS,
  readImageFile,
  loadBundleNode,
  nodeImageDecoder,
  isThirdPartyLocation,
  loadThirdPartyNode,
} from "../engine/node";
import {
  Headflow,
  parseBaselineArg,
  type BaselineSpec,
  type NamedImage,
  type OrtSessionOptions,
} from "../engine";

/** The bundled demo model, found relative to this file so any working folder works. */
export const DEFAULT_MODEL = fileURLToPath(
  new URL("../../public/models/emoji-vlm", import.meta.url),
);

/**
 * The model at `location` (default: the bundled one). `load` (bundles only) sets the
 * onnxruntime session options and whether ablation runs may enter the decoder at a later
 * layer; the benchmark uses them.
 */
export async function openModel(
  location: string | undefined,
  load: { sessionOptions?: OrtSessionOptions; layerEntry?: boolean } = {},
): Promise<Headflow> {
  // A folder with config.json but no headflow.json is a third-party transformers.js export.
  if (location !== undefined && (await isThirdPartyLocation(location))) {
    return loadThirdPartyNode(location);
  }
  const bundle = await loadBundleNode(
    location ?? DEFAULT_MODEL,
    load.sessionOptions ?? NODE_SESSION_OPTIONS,
    load.layerEntry === undefined ? {} : { layerEntry: load.layerEntry },
  );
  return new Headflow(bundle, nodeImageDecoder, "onnxruntime-node (cpu)");
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
