/**
 * The image worker: decodes files the user gives (picker, drop, paste, samples) so that a
 * large JPEG never blocks the main thread. Called through comlink (see image-client.ts).
 *
 * A refused file is an answer, not a failure: `decode` resolves with `{ ok: false, message }`
 * for anything the user can fix, and rejects only for bugs.
 */
import "../zod-jitless";
import * as Comlink from "comlink";
import { decodeImage, type DecodedImage } from "./decode-image";
import { ImageRejectedError } from "./image-header";

export type DecodeOutcome = { ok: true; image: DecodedImage } | { ok: false; message: string };

const api = {
  async decode(file: Blob, name: string): Promise<DecodeOutcome> {
    try {
      const image = await decodeImage(file, name);
      // Hand over the pixels and the preview instead of copying them.
      return Comlink.transfer({ ok: true, image }, [image.pixels.buffer, image.preview]);
    } catch (error) {
      if (error instanceof ImageRejectedError) return { ok: false, message: error.message };
      throw error;
    }
  },
};

export type ImageApi = typeof api;

Comlink.expose(api);
