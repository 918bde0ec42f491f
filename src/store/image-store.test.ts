import { describe, expect, it } from "vitest";
import type { DecodedImage } from "../workers/decode-image";
import type { DecodeOutcome } from "../workers/image.worker";
import { createImageStore } from "./image-store";

/** A decoded image whose preview records whether it was released. */
function decoded(name: string): DecodedImage & { preview: { closed: boolean } } {
  const preview = {
    closed: false,
    close() {
      this.closed = true;
    },
  };
  return {
    name,
    format: "png",
    width: 2,
    height: 1,
    pixels: new Uint8ClampedArray(8),
    thumbnail: "data:image/png;base64,AAAA",
    preview: preview as unknown as ImageBitmap & { closed: boolean },
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

describe("image store", () => {
  it("goes from decoding to ready", async () => {
    const image = decoded("cat.png");
    const store = createImageStore(async () => ({ ok: true, image }));
    const choosing = store.getState().choose(new Blob(["x"]), "cat.png");
    expect(store.getState().state).toEqual({ status: "decoding", name: "cat.png" });
    await choosing;
    expect(store.getState().state).toEqual({ status: "ready", image });
  });

  it("shows the decoder's message for a refused file", async () => {
    const message = "notes.txt is not an image (expected PNG, JPEG, WebP or GIF).";
    const store = createImageStore(async () => ({ ok: false, message }));
    await store.getState().choose(new Blob(["x"]), "notes.txt");
    expect(store.getState().state).toEqual({ status: "failed", name: "notes.txt", message });
  });

  it("turns a crashed decoder into a message naming the file", async () => {
    const store = createImageStore(async () => {
      throw new Error("worker failed to start");
    });
    await store.getState().choose(new Blob(["x"]), "cat.png");
    expect(store.getState().state).toMatchObject({
      status: "failed",
      message: "cat.png could not be opened: worker failed to start",
    });
  });

  it("shows only the latest choice when decodes finish out of order", async () => {
    const slow = deferred<DecodeOutcome>();
    const first = decoded("first.png");
    const second = decoded("second.png");
    const store = createImageStore((_, name) =>
      name === "first.png" ? slow.promise : Promise.resolve({ ok: true, image: second }),
    );
    const firstChoice = store.getState().choose(new Blob(["1"]), "first.png");
    await store.getState().choose(new Blob(["2"]), "second.png");
    slow.resolve({ ok: true, image: first });
    await firstChoice;
    expect(store.getState().state).toEqual({ status: "ready", image: second });
    expect(first.preview.closed).toBe(true);
  });

  it("releases the previous preview when another image replaces it", async () => {
    const first = decoded("first.png");
    const second = decoded("second.png");
    const store = createImageStore(async (_, name) => ({
      ok: true,
      image: name === "first.png" ? first : second,
    }));
    await store.getState().choose(new Blob(["1"]), "first.png");
    await store.getState().choose(new Blob(["2"]), "second.png");
    expect(first.preview.closed).toBe(true);
    expect(second.preview.closed).toBe(false);
  });
});
