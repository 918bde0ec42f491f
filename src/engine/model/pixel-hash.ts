/**
 * FNV-1a over an image's size and pixels: a cache key that tells apart two images with one
 * name (an `image:` baseline chosen twice, a blank baseline at two sizes). Not a digest for
 * integrity: collisions only cost a cache miss's opposite, so the keys also carry the size.
 */
import type { RgbaImage } from "./image";

export function pixelHash(image: RgbaImage): string {
  let hash = 0x811c9dc5;
  const mix = (byte: number) => {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  };
  mix(image.width & 0xff);
  mix(image.height & 0xff);
  for (const byte of image.data) mix(byte);
  return `${image.width}x${image.height}:${hash.toString(16)}`;
}
