/**
 * The image the user chose, and where its decoding stands. Decoding runs in the image
 * worker; when the user picks another image before the first is decoded, only the latest
 * choice is shown.
 */
import { create } from "zustand";
import type { DecodedImage } from "../workers/decode-image";
import type { DecodeOutcome } from "../workers/image.worker";
import { imageDecoder, type Decoder } from "../client";
import { errorMessage } from "../engine";

export type ImageState =
  | { status: "empty" }
  | { status: "decoding"; name: string }
  | { status: "ready"; image: DecodedImage }
  | { status: "failed"; name: string; message: string };

export interface ImageStore {
  state: ImageState;
  /** Decodes a file (from the picker, a drop, the clipboard or the sample gallery). */
  choose(file: Blob, name: string): Promise<void>;
  /** Shows a problem that happened before decoding (e.g. a sample that failed to download). */
  fail(name: string, message: string): void;
}

export type { Decoder } from "../client";

export function createImageStore(decode: Decoder) {
  let latestRequest = 0;
  return create<ImageStore>((set, get) => {
    /** Replaces the state, freeing the previous preview's GPU/CPU memory. */
    const replace = (state: ImageState) => {
      const previous = get().state;
      if (previous.status === "ready" && previous !== state) previous.image.preview.close();
      set({ state });
    };
    return {
      state: { status: "empty" },
      async choose(file, name) {
        const request = ++latestRequest;
        replace({ status: "decoding", name });
        let outcome: DecodeOutcome;
        try {
          outcome = await decode(file, name);
        } catch (error) {
          outcome = {
            ok: false,
            message: `${name} could not be opened: ${errorMessage(error)}`,
          };
        }
        if (request !== latestRequest) {
          if (outcome.ok) outcome.image.preview.close();
          return;
        }
        replace(
          outcome.ok
            ? { status: "ready", image: outcome.image }
            : { status: "failed", name, message: outcome.message },
        );
      },
      fail(name, message) {
        latestRequest++;
        replace({ status: "failed", name, message });
      },
    };
  });
}

/** Decodes an image file in the image worker (as the store does for the user's choice). */
export const decodeImageFile: Decoder = imageDecoder();

export const useImageStore = createImageStore(decodeImageFile);
