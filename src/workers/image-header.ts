/**
 * Checks an image file before it is decoded: its type by magic bytes (not by name or MIME
 * type, which lie), and its size from the header, so that a 100-megapixel photo is refused
 * with a clear message instead of exhausting memory in the decoder. Pure: tested in Node.
 */
import { imageSize } from "image-size";
import { MAX_IMAGE_FILE_BYTES, MAX_IMAGE_PIXELS, exceedsImagePixels } from "../engine";

export type ImageFormat = "png" | "jpeg" | "webp" | "gif";

export const ACCEPTED_FORMATS_TEXT = "PNG, JPEG, WebP or GIF";

/** The largest image decoded (the engine's limit, the CLI's too). */
export const MAX_MEGAPIXELS = MAX_IMAGE_PIXELS / 1e6;
/** Files larger than this are refused before they are read at all (the CLI's limit too). */
export const MAX_FILE_BYTES = MAX_IMAGE_FILE_BYTES;

/** A file the user gave that cannot be used; `message` is meant for the user. */
export class ImageRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ImageRejectedError";
  }
}

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

const SIGNATURES: { format: ImageFormat; matches(bytes: Uint8Array): boolean }[] = [
  {
    format: "png",
    matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  { format: "jpeg", matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { format: "gif", matches: (b) => ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a" },
  { format: "webp", matches: (b) => ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP" },
];

/** The image format the bytes start with, or null when they are not one we decode. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  return SIGNATURES.find((signature) => signature.matches(bytes))?.format ?? null;
}

/** Refuses a file by its byte size alone, before reading it. */
export function checkFileSize(name: string, bytes: number): void {
  if (bytes === 0) throw new ImageRejectedError(`${name} is empty.`);
  if (bytes > MAX_FILE_BYTES) {
    throw new ImageRejectedError(
      `${name} is too large (${formatMegabytes(bytes)}); HeadFlow takes image files up to ` +
        `${formatMegabytes(MAX_FILE_BYTES)}.`,
    );
  }
}

/**
 * Reads format and size from the start of a file. `complete` says whether `bytes` is the
 * whole file: a header that does not fit in a partial read is "not read yet", not corrupt.
 */
export function readImageHeader(
  name: string,
  bytes: Uint8Array,
  complete: boolean,
): ImageHeader | "need-more" {
  const format = sniffImageFormat(bytes);
  if (format === null) {
    throw new ImageRejectedError(`${name} is not an image (expected ${ACCEPTED_FORMATS_TEXT}).`);
  }
  let width: number;
  let height: number;
  try {
    ({ width, height } = imageSize(bytes));
  } catch (error) {
    if (!complete) return "need-more";
    throw new ImageRejectedError(
      `${name} looks like a ${FORMAT_NAMES[format]} file, but it is damaged or cut short: ` +
        "its header cannot be read.",
      { cause: error },
    );
  }
  if (!(width > 0 && height > 0)) {
    throw new ImageRejectedError(
      `${name} says it is ${width} × ${height} pixels, so it is damaged.`,
    );
  }
  const megapixels = (width * height) / 1e6;
  if (exceedsImagePixels(width, height)) {
    throw new ImageRejectedError(
      `${name} is too large to decode: ${width} × ${height} pixels (${megapixels.toFixed(0)} ` +
        `megapixels); HeadFlow takes images up to ${MAX_MEGAPIXELS} megapixels. Scale it down ` +
        "and try again.",
    );
  }
  return { format, width, height };
}

export const FORMAT_NAMES: Record<ImageFormat, string> = {
  png: "PNG",
  jpeg: "JPEG",
  webp: "WebP",
  gif: "GIF",
};

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((value, index) => bytes[index] === value);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  if (bytes.length < end) return "";
  return String.fromCharCode(...bytes.subarray(start, end));
}

function formatMegabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
