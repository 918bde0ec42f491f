/**
 * A test-only page that exposes the image worker to Playwright as `window.decodeHarness`,
 * so every format can be decoded in a real browser without UI in between. Built by
 * e2e/image-decoding.spec.ts; never shipped.
 */
import { startImageWorker } from "../../src/workers/image-client";

/** What a test can check about one decode (bitmaps and big buffers stay in the page). */
export interface DecodeSummary {
  ok: boolean;
  message?: string;
  format?: string;
  width?: number;
  height?: number;
  pixelBytes?: number;
  /** RGBA of the pixel at (0, 0) and of the last pixel. */
  firstPixel?: number[];
  lastPixel?: number[];
  previewSize?: [number, number];
  thumbnail?: string;
}

export interface DecodeHarness {
  decode(bytes: number[], name: string): Promise<DecodeSummary>;
  /** Encodes a solid-colour image with the browser's own encoder (JPEG, WebP, PNG). */
  encode(type: string, width: number, height: number, colour: string): Promise<number[]>;
}

const worker = startImageWorker();

const harness: DecodeHarness = {
  async decode(bytes, name) {
    const outcome = await worker.decode(new Blob([new Uint8Array(bytes)]), name);
    if (!outcome.ok) return { ok: false, message: outcome.message };
    const { image } = outcome;
    const last = image.pixels.length - 4;
    const summary: DecodeSummary = {
      ok: true,
      format: image.format,
      width: image.width,
      height: image.height,
      pixelBytes: image.pixels.length,
      firstPixel: [...image.pixels.subarray(0, 4)],
      lastPixel: [...image.pixels.subarray(last, last + 4)],
      previewSize: [image.preview.width, image.preview.height],
      thumbnail: image.thumbnail,
    };
    image.preview.close();
    return summary;
  },
  async encode(type, width, height, colour) {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext("2d")!;
    context.fillStyle = colour;
    context.fillRect(0, 0, width, height);
    const blob = await canvas.convertToBlob({ type, quality: 0.95 });
    if (blob.type !== type) throw new Error(`this browser cannot encode ${type}`);
    return [...new Uint8Array(await blob.arrayBuffer())];
  },
};

(window as unknown as { decodeHarness: DecodeHarness }).decodeHarness = harness;
