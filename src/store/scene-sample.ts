/**
 * Whether an analysed image really is the bundled sample its name points to. Scene
 * metadata (the object's per-patch coverage) is looked up by file name, and a user's own
 * file may carry a sample's name ("sample-00.png"); such an image must not get that
 * sample's scene mask. So the sample itself is loaded, through the same decoding and
 * model-resolution preparation as any image, and compared pixel for pixel.
 */
import type { RgbaImage } from "../engine";

export interface SceneSample {
  /** The image whose identity was checked (the analysis store's object). */
  image: RgbaImage;
  coverage: number[];
}

/** Identical size and RGBA bytes. */
export function samePixels(a: RgbaImage, b: RgbaImage): boolean {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/**
 * The scene coverage of `image` when it is the sample it is named after: `coverage` is the
 * candidate's (null when no sample has that name), `loadSample` gives the sample's pixels
 * at model resolution. Null when they differ or the sample cannot be loaded: the mask is
 * then painted or thresholded, never wrong.
 */
export async function verifySceneSample(
  image: RgbaImage,
  coverage: number[] | null,
  loadSample: () => Promise<RgbaImage>,
): Promise<SceneSample | null> {
  if (coverage === null) return null;
  const sample = await loadSample().catch(() => null);
  return sample !== null && samePixels(image, sample) ? { image, coverage } : null;
}
