/**
 * Opens an analysis permalink without freezing the page: a long link (inflate, JSON parse
 * and validation of megabytes) is decoded in a worker, a short one at once on the main
 * thread, where it takes well under a frame. The result and every error are the same
 * either way: the payload, or a PermalinkError whose message can be shown as is.
 */
import { AnalysisPayloadSchema, type AnalysisPayload } from "../analysis-payload";
import { decodePermalink, PermalinkError, type PermalinkErrorKind } from "./codec";

/** Links longer than this are decoded in a worker (about 48 KB of compressed data). */
export const WORKER_DECODE_CHARS = 64 * 1024;

export type DecodeReply =
  { ok: true; payload: AnalysisPayload } | { ok: false; kind: PermalinkErrorKind; message: string };

/** What the decoding worker does with one link (also the inline path, for one behaviour). */
export function decodeAnalysisReply(link: string): DecodeReply {
  try {
    return { ok: true, payload: decodePermalink(link, AnalysisPayloadSchema) };
  } catch (error) {
    if (error instanceof PermalinkError) {
      return { ok: false, kind: error.kind, message: error.message };
    }
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      kind: "damaged",
      message: `This permalink is damaged: it could not be read (${reason}).`,
    };
  }
}

function fromReply(reply: DecodeReply): AnalysisPayload {
  if (reply.ok) return reply.payload;
  throw new PermalinkError(reply.kind, reply.message);
}

/** Decodes an analysis link; long ones off the main thread where workers exist. */
export async function decodeAnalysisLink(link: string): Promise<AnalysisPayload> {
  if (link.length <= WORKER_DECODE_CHARS || typeof Worker === "undefined") {
    return fromReply(decodeAnalysisReply(link));
  }
  const worker = new Worker(new URL("./decode.worker.ts", import.meta.url), {
    type: "module",
    name: "headflow-permalink",
  });
  try {
    const reply = await new Promise<DecodeReply>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<DecodeReply>) => resolve(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        reject(
          new PermalinkError(
            "damaged",
            `This permalink is damaged: it could not be read (${event.message || "the decoder stopped"}).`,
          ),
        );
      };
      worker.postMessage(link);
    });
    return fromReply(reply);
  } finally {
    worker.terminate();
  }
}
