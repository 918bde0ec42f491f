/**
 * Image file -> RGBA pixels in Node, with sharp. Checks come before the full decode so a
 * bad file fails fast with a specific message: the type from the magic bytes, the
 * dimensions from the header (image-size), then a pixel limit, so a 20000x20000 PNG is
 * refused before any memory is spent on it.
 */
import { basename } from "node:path";
import { imageSize } from "image-size";
import sharp from "sharp";
import { HeadflowError } from "../errors";
import { MAX_IMAGE_FILE_BYTES } from "../model/file-limits";
import type { RgbaImage } from "../model/image";
import { MAX_IMAGE_PIXELS, exceedsImagePixels } from "../model/image-limits";
import { readCheckedFile } from "./read-checked-file";

export { MAX_IMAGE_PIXELS };

type ImageType = "png" | "jpg" | "webp" | "gif";

/** The image type named by the file's first bytes, or null. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (starts(0xff, 0xd8, 0xff)) return "jpg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "gif";
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    bytes[8] === 0x57 &&
    bytes[9] === 0x45 &&
    bytes[10] === 0x42 &&
    bytes[11] === 0x50
  ) {
    return "webp";
  }
  return null;
}

export interface DecodedImage extends RgbaImage {
  name: string;
  type: ImageType;
}

/**
 * Reads and decodes an image file: a regular file of at most MAX_IMAGE_FILE_BYTES (checked
 * before reading, so a device, a FIFO or a huge file is refused at once).
 */
export async function readImageFile(path: string): Promise<DecodedImage> {
  const bytes = await readCheckedFile(path, {
    maxBytes: MAX_IMAGE_FILE_BYTES,
    what: "image",
    code: "bad-image",
  });
  return decodeImageBytes(bytes, basename(path));
}

/**
 * A decoder's failure in the user's terms; the library's own text ("Offset is outside
 * the bounds of the DataView", "vipspng: libpng read error") stays in `cause`.
 */
function unreadable(name: string, type: ImageType, part: string, cause: unknown): HeadflowError {
  return new HeadflowError(
    "bad-image",
    `${name} is not a readable ${TYPE_NAMES[type]} image: its ${part} is damaged or cut short`,
    { cause },
  );
}

const TYPE_NAMES: Record<ImageType, string> = {
  png: "PNG",
  jpg: "JPEG",
  webp: "WebP",
  gif: "GIF",
};

export async function decodeImageBytes(bytes: Uint8Array, name: string): Promise<DecodedImage> {
  const type = sniffImageType(bytes);
  if (type === null) {
    const what =
      bytes.length === 0
        ? "the file is empty"
        : "its content is not a PNG, JPEG, WebP or GIF image";
    throw new HeadflowError("bad-image", `${name} is not an image: ${what}`);
  }
  let header: { width?: number; height?: number };
  try {
    header = imageSize(bytes);
  } catch (error) {
    throw unreadable(name, type, "header", error);
  }
  const { width = 0, height = 0 } = header;
  if (width < 1 || height < 1) {
    throw new HeadflowError(
      "bad-image",
      `${name} is not a readable ${TYPE_NAMES[type]} image: its header gives no image size`,
    );
  }
  if (exceedsImagePixels(width, height)) {
    throw new HeadflowError(
      "bad-image",
      `${name} is too large: ${width}x${height} pixels (${((width * height) / 1e6).toFixed(0)} megapixels), the limit is ${MAX_IMAGE_PIXELS / 1e6} megapixels; downscale it first`,
    );
  }
  try {
    // rotate(): apply the EXIF orientation, as browsers do; pages: 1 = a GIF's first frame.
    const { data, info } = await sharp(bytes, { pages: 1, limitInputPixels: MAX_IMAGE_PIXELS })
      .rotate()
      .toColourspace("srgb")
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      name,
      type,
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    };
  } catch (error) {
    throw unreadable(name, type, "pixel data", error);
  }
}
