/**
 * Permalinks: an analysis carried whole in a URL fragment, so that nothing goes to a server.
 *
 *     #a=<format>.<base64url( deflate-raw(JSON) ++ crc32(JSON) )>
 *
 * `format` is this codec's framing version (1), independent of the payload's own `schema`
 * string. The CRC-32 (4 bytes, big-endian) makes a changed or cut link fail with a clear
 * message rather than show different numbers: raw deflate carries no checksum of its own.
 *
 * Decoding never trusts the link: it bounds the inflated size (zip bombs), checks the
 * checksum, parses strictly and validates with a zod schema given by the caller. Every
 * failure is a `PermalinkError` whose message can be shown to the user as is.
 */
import { deflateSync, Inflate } from "fflate";
import type { z } from "zod";
import { Base64UrlError, decodeBase64Url, encodeBase64Url } from "./base64url";
import { crc32 } from "./crc32";

/** The framing this code writes and reads. Bump it when the framing (not the payload) changes. */
export const PERMALINK_FORMAT = 1;

const FRAGMENT_KEY = "a=";

/** The most a permalink may unpack to. Real analyses are far smaller; this stops zip bombs. */
export const MAX_INFLATED_BYTES = 20 * 1024 * 1024;

/**
 * Deflate never grows data by more than 5 bytes per 64 KiB block, so a link longer than the
 * base64url of that cannot unpack to an allowed size: refuse it before decoding anything.
 */
const MAX_LINK_CHARS = Math.ceil((MAX_INFLATED_BYTES * 1.001 * 4) / 3) + 64;

/** Input is inflated in slices so the size limit is checked before much memory is spent. */
const INFLATE_SLICE_BYTES = 1024;

const CHECKSUM_BYTES = 4;

export type PermalinkErrorKind =
  "not-a-permalink" | "damaged" | "newer-format" | "too-large" | "unsupported-content";

export class PermalinkError extends Error {
  readonly kind: PermalinkErrorKind;

  constructor(kind: PermalinkErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermalinkError";
    this.kind = kind;
  }
}

/** The one thing every permalink payload must carry: what kind of document it is. */
export interface SchemaTagged {
  schema: string;
}

/** Encodes a JSON payload as a URL fragment (`#a=1.…`). */
export function encodePermalink<T extends SchemaTagged>(payload: T): string {
  if (typeof payload.schema !== "string" || payload.schema === "") {
    throw new TypeError("a permalink payload needs a non-empty `schema` string");
  }
  const json = new TextEncoder().encode(JSON.stringify(payload, rejectNonFiniteNumbers));
  if (json.length > MAX_INFLATED_BYTES) {
    throw new RangeError(
      `this analysis is ${megabytes(json.length)} as JSON; a permalink holds at most ${megabytes(MAX_INFLATED_BYTES)}`,
    );
  }
  const compressed = deflateSync(json, { level: 9 });
  const framed = new Uint8Array(compressed.length + CHECKSUM_BYTES);
  framed.set(compressed);
  new DataView(framed.buffer).setUint32(compressed.length, crc32(json));
  return `#${FRAGMENT_KEY}${PERMALINK_FORMAT}.${encodeBase64Url(framed)}`;
}

/**
 * Decodes a permalink (a whole URL, a `#a=…` fragment, or the fragment without `#`) and
 * validates it with `schema`. Throws only `PermalinkError`.
 */
export function decodePermalink<T extends SchemaTagged>(link: string, schema: z.ZodType<T>): T {
  try {
    return validate(parseJson(unpack(splitFragment(link))), schema);
  } catch (error) {
    if (error instanceof PermalinkError) throw error;
    // Anything else is a bug in this codec or its libraries; still give the user one sentence.
    throw damaged(`it could not be read (${messageOf(error)})`, error);
  }
}

interface Frame {
  format: number;
  data: string;
}

function splitFragment(link: string): Frame {
  const hashAt = link.indexOf("#");
  const fragment = hashAt >= 0 ? link.slice(hashAt + 1) : link;
  if (fragment === "") {
    throw new PermalinkError("not-a-permalink", "This link holds no analysis: it has no #a= part.");
  }
  if (!fragment.startsWith(FRAGMENT_KEY)) {
    throw new PermalinkError(
      "not-a-permalink",
      "This link is not a HeadFlow permalink: its part after # does not start with a=.",
    );
  }
  const body = fragment.slice(FRAGMENT_KEY.length);
  const dotAt = body.indexOf(".");
  const formatText = dotAt >= 0 ? body.slice(0, dotAt) : "";
  if (!/^[1-9][0-9]{0,5}$/.test(formatText)) {
    throw damaged("its format number is missing or garbled");
  }
  const format = Number(formatText);
  if (format > PERMALINK_FORMAT) {
    throw new PermalinkError(
      "newer-format",
      `This permalink was made by a newer HeadFlow (permalink format ${format}; this version ` +
        `reads format ${PERMALINK_FORMAT}). Open it in an up-to-date HeadFlow.`,
    );
  }
  const data = body.slice(dotAt + 1);
  if (data.length > MAX_LINK_CHARS) {
    throw new PermalinkError(
      "too-large",
      `This permalink is too large to open (${data.length} characters).`,
    );
  }
  return { format, data };
}

function unpack({ data }: Frame): Uint8Array {
  let framed: Uint8Array;
  try {
    framed = decodeBase64Url(data);
  } catch (error) {
    if (error instanceof Base64UrlError) throw damaged(error.message, error);
    throw error;
  }
  if (framed.length <= CHECKSUM_BYTES) throw damaged("it is too short to hold an analysis");
  const split = framed.length - CHECKSUM_BYTES;
  const expectedChecksum = new DataView(framed.buffer, framed.byteOffset).getUint32(split);
  const json = inflateBounded(framed.subarray(0, split));
  if (crc32(json) !== expectedChecksum) {
    throw damaged("its checksum does not match, so it was changed or cut short");
  }
  return json;
}

function inflateBounded(compressed: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > MAX_INFLATED_BYTES) {
      throw new PermalinkError(
        "too-large",
        `This permalink is too large to open: it unpacks to more than ${megabytes(MAX_INFLATED_BYTES)}.`,
      );
    }
    chunks.push(chunk);
  });
  try {
    for (let start = 0; start < compressed.length; start += INFLATE_SLICE_BYTES) {
      const end = Math.min(start + INFLATE_SLICE_BYTES, compressed.length);
      inflater.push(compressed.subarray(start, end), end === compressed.length);
    }
  } catch (error) {
    if (error instanceof PermalinkError) throw error;
    throw damaged(`its compressed data is corrupt (${messageOf(error)})`, error);
  }
  if (hasBytesAfterStream(inflater)) {
    throw damaged("bytes follow the end of its compressed data");
  }
  const json = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    json.set(chunk, offset);
    offset += chunk.length;
  }
  return json;
}

/**
 * Whether anything but zero padding bits follows the final deflate block, so that a link
 * is canonical: one analysis, one link, and nothing can ride along after the data. fflate
 * keeps the unread input (`p`, starting at the byte holding the read position) and the bit
 * offset into its first byte (`s.p`) after the final push; its public API has no such
 * query, and the codec tests fail if these fields ever change meaning.
 */
function hasBytesAfterStream(inflater: Inflate): boolean {
  const state = inflater as unknown as { p?: unknown; s?: { p?: unknown; f?: unknown } };
  const rest = state.p;
  const bit = state.s?.p;
  if (!(rest instanceof Uint8Array) || typeof bit !== "number" || !state.s?.f) {
    throw damaged("its compressed data does not end where the stream ends");
  }
  if (bit === 0) return rest.length > 0;
  return rest.length > 1 || (rest.length === 1 && rest[0]! >> bit !== 0);
}

function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw damaged("its text is not valid UTF-8", error);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw damaged(`its JSON is invalid (${messageOf(error)})`, error);
  }
}

function validate<T extends SchemaTagged>(value: unknown, schema: z.ZodType<T>): T {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw damaged("it does not hold a JSON object");
  }
  const tag = (value as { schema?: unknown }).schema;
  if (typeof tag !== "string") throw damaged("it does not say what it holds (no schema field)");
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  if (issues.some((issue) => issue.path.length === 1 && issue.path[0] === "schema")) {
    throw new PermalinkError(
      "unsupported-content",
      `This permalink holds ${JSON.stringify(truncate(tag, 80))}, which this version of ` +
        "HeadFlow cannot open.",
    );
  }
  const described = issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more problems)` : "";
  throw damaged(`its content is invalid: ${described}${more}`);
}

function damaged(reason: string, cause?: unknown): PermalinkError {
  return new PermalinkError("damaged", `This permalink is damaged: ${reason}.`, { cause });
}

/** JSON would silently turn NaN and ±Infinity into null; a permalink must round-trip exactly. */
function rejectNonFiniteNumbers(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new TypeError(
      `a permalink cannot carry ${value} (at key ${JSON.stringify(key)}): encode missing values as null`,
    );
  }
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MB`;
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
