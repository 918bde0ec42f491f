/**
 * Reading a file the user named, safely: only a regular file is read, and only when its
 * size (from fstat, before any byte is read) is within a limit. The file is opened with
 * O_NONBLOCK, so a FIFO with no writer cannot block the open; a device such as /dev/zero,
 * a folder or a FIFO is refused by its type, never read.
 */
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { HeadflowError, errorMessage, type HeadflowErrorCode } from "../errors";

export interface CheckedReadOptions {
  /** Largest size accepted, in bytes. */
  maxBytes: number;
  /** What the file is, for messages: "image", "JSON file", "model file". */
  what: string;
  /** The HeadflowError code of a refusal. */
  code: HeadflowErrorCode;
  /** Stops a long read (a large graph) between chunks. */
  signal?: AbortSignal | undefined;
}

/** Whether `error` is a refusal because the file does not exist (its `cause` is ENOENT). */
export function isMissingFileError(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return (
    error instanceof HeadflowError &&
    (cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT"
  );
}

/** Large files are read in chunks of this size, so a cancel lands between two of them. */
const CHUNK_BYTES = 64 * 2 ** 20;

const sizeText = (bytes: number) =>
  bytes < 2 ** 20 ? `${bytes} bytes` : `${(bytes / 2 ** 20).toFixed(0)} MB`;

function kindOf(stats: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  return "a special file";
}

function openFailure(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a folder";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "ELOOP":
      return "too many symbolic links";
    case "ENXIO":
      return "it is a socket or a device with nothing behind it";
    default:
      return errorMessage(error);
  }
}

/** Reads exactly `size` bytes, and refuses a file that grew or shrank while being read. */
async function readExactly(
  handle: FileHandle,
  size: number,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const bytes = new Uint8Array(size);
  let at = 0;
  while (at < size) {
    signal?.throwIfAborted();
    const { bytesRead } = await handle.read(bytes, at, Math.min(CHUNK_BYTES, size - at), at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  const probe = new Uint8Array(1);
  const { bytesRead: extra } = await handle.read(probe, 0, 1, size);
  if (at !== size || extra !== 0) throw new Error("the file changed while it was read");
  return bytes;
}

export async function readCheckedFile(
  path: string,
  options: CheckedReadOptions,
): Promise<Uint8Array> {
  const refuse = (why: string, cause?: unknown) =>
    new HeadflowError(options.code, `cannot read ${options.what} ${path}: ${why}`, { cause });
  if (path === "") throw refuse("the path is empty");
  options.signal?.throwIfAborted();
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    // The errno error stays as `cause`: a caller may treat a missing file as optional.
    throw refuse(openFailure(error), error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw refuse(`it is ${kindOf(stats)}, not a regular file`);
    if (stats.size > options.maxBytes) {
      // Exact bytes when rounding would show the size equal to the limit ("16 MB, over 16 MB").
      const exact = sizeText(stats.size) === sizeText(options.maxBytes);
      const text = (bytes: number) => (exact ? `${bytes} bytes` : sizeText(bytes));
      throw refuse(`it is ${text(stats.size)}, over the ${text(options.maxBytes)} limit`);
    }
    return await readExactly(handle, stats.size, options.signal);
  } catch (error) {
    if (error instanceof HeadflowError || options.signal?.aborted) throw error;
    throw refuse(errorMessage(error));
  } finally {
    await handle.close().catch(() => undefined);
  }
}
