/**
 * What the history keeps of an analysis: enough to list it (title, date, thumbnail) and to
 * reopen it (the permalink payload). Records are validated when read back, because the
 * database outlives any one version of HeadFlow and can be edited in the browser's tools.
 */
import { z } from "zod";

/** Thumbnails are small inline images; anything else (a URL, script) is refused. */
const THUMBNAIL = /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+=*$/;
export const MAX_THUMBNAIL_CHARS = 256 * 1024;

export const StoredAnalysisSchema = z.object({
  id: z.string().min(1).max(200),
  createdAt: z.number().int().nonnegative(),
  title: z.string().min(1).max(500),
  thumbnail: z.string().max(MAX_THUMBNAIL_CHARS).regex(THUMBNAIL),
  /** The same JSON a permalink carries; validated against its own schema when reopened. */
  payload: z.looseObject({ schema: z.string().min(1) }),
});

export type StoredAnalysis = z.infer<typeof StoredAnalysisSchema>;

export function newAnalysisId(): string {
  return crypto.randomUUID();
}

/** Newest first; ties broken by id so the order is stable. */
export function byNewestFirst(a: StoredAnalysis, b: StoredAnalysis): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
