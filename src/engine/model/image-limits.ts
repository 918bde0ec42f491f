/**
 * The largest image HeadFlow decodes, for the browser (checked on the file's header before
 * decoding) and the CLI (checked the same way, then enforced by the decoder): 40
 * megapixels is an 8000 x 5000 photo, 160 MB as RGBA, far more than any VLM input needs.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** Whether an image of this size is over the limit (and must be refused undecoded). */
export function exceedsImagePixels(width: number, height: number): boolean {
  return width * height > MAX_IMAGE_PIXELS;
}
