/** PNG writing (sharp), for the reference set and the gallery. */
import sharp from "sharp";

/** Writes size x size RGB bytes as a PNG (fixed settings, so output is reproducible). */
export async function writePng(path: string, rgb: Uint8Array, size: number): Promise<void> {
  await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), {
    raw: { width: size, height: size, channels: 3 },
  })
    .png({ compressionLevel: 9, adaptiveFiltering: true })
    .toFile(path);
}

/** Writes size x size RGB bytes as a lossy WebP (display copies: small files). */
export async function writeWebp(
  path: string,
  rgb: Uint8Array,
  size: number,
  quality = 82,
): Promise<void> {
  await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), {
    raw: { width: size, height: size, channels: 3 },
  })
    .webp({ quality, effort: 6 })
    .toFile(path);
}
