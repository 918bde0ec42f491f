/**
 * Baselines: what an ablated head reads at the image positions instead of the image's own
 * key/values (docs/PAPER.md). `mean`: the mean over the bundle's reference images
 * (default); `blank`: a uniform gray image; `image`: another image (a counterfactual).
 */
import { HeadflowError } from "../errors";
import {
  BLANK_GRAY,
  solidImage,
  toPixelValues,
  type ImageNormalisation,
  type RgbaImage,
} from "../model/image";
import { meanImageKv, sliceImageKv, type ImageKv } from "../model/kv";
import type { Bundle } from "../model/bundle";
import { prefillImages } from "../model/prefill";
import type { Prompt } from "../model/tokenize";

/** Image file bytes -> RGBA; injected by the front end (sharp in Node, canvas in a browser). */
export type ImageDecoder = (bytes: Uint8Array, name: string) => Promise<RgbaImage>;

export type BaselineSpec =
  { kind: "mean" } | { kind: "blank" } | { kind: "image"; name: string; image: RgbaImage };

/** A baseline as written on the command line and in results: `mean`, `blank`, `image:<name>`. */
export function baselineLabel(spec: BaselineSpec): string {
  return spec.kind === "image" ? `image:${spec.name}` : spec.kind;
}

/** Splits `mean` | `blank` | `image:<file>`; the caller loads the file for `image`. */
export function parseBaselineArg(
  text: string,
): { kind: "mean" } | { kind: "blank" } | { kind: "image"; path: string } {
  if (text === "mean" || text === "blank") return { kind: text };
  if (text.startsWith("image:") && text.length > "image:".length)
    return { kind: "image", path: text.slice(6) };
  throw new HeadflowError(
    "bad-argument",
    `unknown baseline "${text}": use mean, blank or image:<file>`,
  );
}

/** Normalisation of the bundle's images. */
export function normalisationOf(bundle: Bundle): ImageNormalisation {
  const { size, mean, std } = bundle.manifest.image;
  return { size, mean, std };
}

/** The image-position key/values of a baseline, in the prompt's prefix context. */
export async function baselineKv(
  bundle: Bundle,
  prompt: Prompt,
  spec: BaselineSpec,
  decodeImage: ImageDecoder,
): Promise<ImageKv> {
  const norm = normalisationOf(bundle);
  let images: RgbaImage[];
  if (spec.kind === "blank") images = [solidImage(norm.size, BLANK_GRAY)];
  else if (spec.kind === "image") images = [spec.image];
  else images = await referenceImages(bundle, decodeImage);
  const kvs: ImageKv[] = [];
  // A few images per run: the reference set may be large, the prefill batch need not be.
  const chunk = 16;
  for (let start = 0; start < images.length; start += chunk) {
    const group = images.slice(start, start + chunk);
    const pixels = new Float32Array(group.length * 3 * norm.size * norm.size);
    group.forEach((image, i) =>
      pixels.set(toPixelValues(image, norm), i * 3 * norm.size * norm.size),
    );
    const cache = await prefillImages(bundle.session, prompt, pixels, group.length);
    group.forEach((_, row) =>
      kvs.push(sliceImageKv(cache, prompt.imageStart, prompt.imageEnd, row)),
    );
  }
  return kvs.length === 1 ? kvs[0]! : meanImageKv(kvs);
}

async function referenceImages(bundle: Bundle, decodeImage: ImageDecoder): Promise<RgbaImage[]> {
  const paths = bundle.manifest.reference;
  if (paths.length === 0) {
    throw new HeadflowError(
      "bad-argument",
      "this model has no reference images, so the mean baseline is unavailable: use --baseline blank or image:<file>",
    );
  }
  // One at a time: in a browser, decoding them all at once fills every core with the
  // browser's image-decode threads, and on a 2-core machine that starved the page's main
  // thread for up to 300 ms at the start of the first attribution. They are tiny, so
  // decoding them in turn costs nothing noticeable.
  const images: RgbaImage[] = [];
  for (const path of paths) {
    const bytes = await bundle.read(path);
    try {
      images.push(await decodeImage(bytes, path));
    } catch (error) {
      throw new HeadflowError(
        "bad-model",
        `model file ${path} is corrupt: ${(error as Error).message}`,
      );
    }
  }
  return images;
}
