/**
 * Decodes an image file to RGBA pixels off the main thread: checks the header first (see
 * image-header.ts), then lets the browser decode it (createImageBitmap; a GIF gives its
 * first frame) and reads the pixels back through an OffscreenCanvas.
 *
 * Needs worker (or window) globals, so it lives here rather than in the engine; it is used
 * by image.worker.ts and can be imported by any other worker (e.g. the inference worker).
 */
import {
  checkFileSize,
  FORMAT_NAMES,
  ImageRejectedError,
  readImageHeader,
  type ImageFormat,
} from "./image-header";

export interface DecodedImage {
  name: string;
  format: ImageFormat;
  width: number;
  height: number;
  /** Row-major RGBA, 4 bytes per pixel, not premultiplied, in sRGB. */
  pixels: Uint8ClampedArray;
  /** The image scaled to fit PREVIEW_SIDE, cheap to draw on the main thread. */
  preview: ImageBitmap;
  /** A small data URL (fits THUMBNAIL_SIDE) for lists such as the history. */
  thumbnail: string;
}

export const PREVIEW_SIDE = 512;
export const THUMBNAIL_SIDE = 96;

/** Most formats keep their size in the first bytes; JPEG may put EXIF data before it. */
const HEADER_READ_BYTES = 1024 * 1024;

export async function decodeImage(file: Blob, name: string): Promise<DecodedImage> {
  checkFileSize(name, file.size);
  const header = await readHeader(file, name);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, {
      // Keep colour values as stored: premultiplying would alter semi-transparent pixels.
      premultiplyAlpha: "none",
      imageOrientation: "from-image",
    });
  } catch (error) {
    throw new ImageRejectedError(
      `${name} could not be decoded: the ${FORMAT_NAMES[header.format]} data is damaged or cut short.`,
      { cause: error },
    );
  }
  try {
    const pixels = readPixels(bitmap);
    const preview = await scaledCopy(bitmap, PREVIEW_SIDE);
    const thumbnail = await thumbnailDataUrl(bitmap, THUMBNAIL_SIDE);
    return {
      name,
      format: header.format,
      width: bitmap.width,
      height: bitmap.height,
      pixels,
      preview,
      thumbnail,
    };
  } finally {
    bitmap.close();
  }
}

async function readHeader(file: Blob, name: string) {
  const head = new Uint8Array(await file.slice(0, HEADER_READ_BYTES).arrayBuffer());
  const complete = file.size <= HEADER_READ_BYTES;
  const header = readImageHeader(name, head, complete);
  if (header !== "need-more") return header;
  const whole = readImageHeader(name, new Uint8Array(await file.arrayBuffer()), true);
  if (whole === "need-more") throw new Error("unreachable: a complete read needs no more bytes");
  return whole;
}

function readPixels(bitmap: ImageBitmap): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (context === null) throw new Error("this browser cannot read image pixels (no 2D canvas)");
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height).data;
}

async function scaledCopy(bitmap: ImageBitmap, maxSide: number): Promise<ImageBitmap> {
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  return createImageBitmap(bitmap, {
    resizeWidth: Math.max(1, Math.round(bitmap.width * scale)),
    resizeHeight: Math.max(1, Math.round(bitmap.height * scale)),
    resizeQuality: "high",
  });
}

/**
 * WebP keeps transparency at a few kilobytes; a browser that cannot encode WebP returns a
 * PNG instead, which is just as valid.
 */
async function thumbnailDataUrl(bitmap: ImageBitmap, maxSide: number): Promise<string> {
  const small = await scaledCopy(bitmap, maxSide);
  try {
    const canvas = new OffscreenCanvas(small.width, small.height);
    const context = canvas.getContext("2d");
    if (context === null) throw new Error("this browser cannot draw images (no 2D canvas)");
    context.drawImage(small, 0, 0);
    const blob = await canvas.convertToBlob({ type: "image/webp", quality: 0.8 });
    return `data:${blob.type};base64,${toBase64(new Uint8Array(await blob.arrayBuffer()))}`;
  } finally {
    small.close();
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  // Chunks keep String.fromCharCode's argument list short.
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}
