/** What every command needs: the model (loaded once) and decoded images. */
import { fileURLToPath } from "node:url";
import { readImageFile, loadBundleNode, nodeImageDecoder } from "../engine/node";
import { Headflow, parseBaselineArg, type BaselineSpec, type NamedImage } from "../engine";
import { isThirdPartyLocation, loadThirdPartyNode } from "../engine/thirdparty/node";

/** The bundled demo model, found relative to this file so any working folder works. */
export const DEFAULT_MODEL = fileURLToPath(
  new URL("../../public/models/emoji-vlm", import.meta.url),
);

export async function openModel(location: string | undefined): Promise<Headflow> {
  // A folder with config.json but no headflow.json is a third-party transformers.js export.
  if (location !== undefined && (await isThirdPartyLocation(location))) {
    return loadThirdPartyNode(location);
  }
  const bundle = await loadBundleNode(location ?? DEFAULT_MODEL);
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
