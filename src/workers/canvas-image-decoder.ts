/**
 * The engine's `ImageDecoder` in a worker: bundle files (the reference images of the `mean`
 * baseline) decoded by the browser into straight RGBA.
 */
import type { ImageDecoder } from "../engine";

export const decodeWithCanvas: ImageDecoder = async (bytes, name) => {
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
    premultiplyAlpha: "none",
  }).catch((error: unknown) => {
    throw new Error(`${name} could not be decoded`, { cause: error });
  });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    if (context === null) throw new Error("this browser cannot read image pixels (no 2D canvas)");
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width: bitmap.width, height: bitmap.height, data };
  } finally {
    bitmap.close();
  }
};
