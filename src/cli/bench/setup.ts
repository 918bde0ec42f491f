/**
 * What every measurement of `headflow bench` shares: the model (with and without layer
 * entry), one fixed image, the baseline, the prompt and one set of masks.
 */
import {
  DEFAULT_ATTRIBUTION,
  normalisationOf,
  sampleMasks,
  toPixelValues,
  type BaselineSpec,
  type Headflow,
  type NamedImage,
  type Prompt,
} from "../../engine";
import { decodeImageBytes } from "../../engine/node";
import { openBaseline } from "../context";

export interface BenchSetup {
  headflow: Headflow;
  /** The same model without layer entry: the whole decoder for every mask. */
  wholeDecoder: Headflow;
  image: NamedImage;
  baseline: BaselineSpec;
  prompt: Prompt;
  pixels: Float32Array;
  masks: { bits: Uint8Array };
  maskCount: number;
  repeats: number;
  batchSize: number;
  log: (text: string) => void;
}

export async function benchSetup(
  headflow: Headflow,
  wholeDecoder: Headflow,
  image: NamedImage,
  baseline: BaselineSpec,
  counts: { maskCount: number; repeats: number; batchSize: number },
  log: (text: string) => void,
): Promise<BenchSetup> {
  const { layers, heads } = headflow.bundle.manifest;
  return {
    headflow,
    wholeDecoder,
    image,
    baseline,
    prompt: headflow.prompt(),
    pixels: toPixelValues(image, normalisationOf(headflow.bundle)),
    masks: sampleMasks(counts.maskCount, layers * heads, DEFAULT_ATTRIBUTION.alpha, 1),
    ...counts,
    log,
  };
}

/** `--baseline`, else `mean` when the bundle has reference images, else `blank`. */
export async function benchBaseline(
  headflow: Headflow,
  text: string | undefined,
): Promise<BaselineSpec> {
  if (text !== undefined) return openBaseline(text);
  return headflow.bundle.manifest.reference.length > 0 ? { kind: "mean" } : { kind: "blank" };
}

/** A fixed image: the first reference image, else the first parity fixture, else seeded noise. */
export async function defaultImage(headflow: Headflow): Promise<NamedImage> {
  const { manifest, read } = headflow.bundle;
  const size = manifest.image.size;
  const reference = manifest.reference[0];
  if (reference !== undefined) return decodeImageBytes(await read(reference), reference);
  try {
    const parity = JSON.parse(new TextDecoder().decode(await read("parity.json"))) as {
      cases?: { name: string; pixels_u8?: number[] }[];
    };
    const first = parity.cases?.find((c) => c.pixels_u8?.length === size * size * 3);
    if (first?.pixels_u8) return rgbImage(first.pixels_u8, size, `parity:${first.name}`);
  } catch {
    // fall through to noise
  }
  let state = 1;
  const noise = Array.from(
    { length: size * size * 3 },
    () => (state = (state * 1103515245 + 12345) % 2 ** 31) % 256,
  );
  return rgbImage(noise, size, "noise");
}

function rgbImage(rgb: number[], size: number, name: string): NamedImage {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++)
    data.set([rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!, 255], 4 * i);
  return { name, width: size, height: size, data };
}
