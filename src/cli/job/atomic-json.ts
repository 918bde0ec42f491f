/**
 * The job folder's files are written whole or not at all: a temporary file in the same
 * folder (so the rename never crosses file systems), flushed to disk, then renamed over
 * the target. A process killed at any point leaves either the old file or the new one,
 * plus at worst a stray `*.tmp` that readers never look at.
 */
import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export const TEMPORARY_SUFFIX = ".tmp";

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}${TEMPORARY_SUFFIX}`,
  );
  try {
    const handle = await open(temporary, "wx");
    try {
      await handle.writeFile(`${JSON.stringify(value)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
