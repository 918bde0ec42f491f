/** Decodes one analysis permalink per message, off the page's main thread (analysis-link.ts). */
import "../../zod-jitless";
import { decodeAnalysisReply } from "./analysis-link";

self.onmessage = (event: MessageEvent<unknown>) => {
  const link = typeof event.data === "string" ? event.data : "";
  self.postMessage(decodeAnalysisReply(link));
};
