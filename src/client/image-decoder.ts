/**
 * Image decoding in a worker of its own (started by the first image, not at page load),
 * so that a large photo never blocks the page.
 */
import { startImageWorker } from "../workers/image-client";
import type { DecodeOutcome } from "../workers/image.worker";

export type Decoder = (file: Blob, name: string) => Promise<DecodeOutcome>;

/** A decoder with its own image worker, started on first use. */
export function imageDecoder(): Decoder {
  let worker: ReturnType<typeof startImageWorker> | null = null;
  return (file, name) => {
    worker ??= startImageWorker();
    return worker.decode(file, name);
  };
}
