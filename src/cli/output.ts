/** Where results go: JSON on stdout, or a file written atomically (never half-written). */
import type { Stats } from "node:fs";
import { access, constants, lstat, open, rename, unlink } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { HeadflowError, errorMessage } from "../engine";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars are drawn only there). */
  stderrIsTty: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: Boolean(process.stderr.isTTY),
};

export function printJson(io: CliIo, value: unknown, pretty = true): void {
  io.stdout(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`);
}

/** What is at an --out path, when it is not something the CLI writes over. */
function refusedKind(stats: Stats): string | null {
  if (stats.isSymbolicLink()) return "a symbolic link (give the link's target instead)";
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  return stats.isFile() ? null : "not a regular file";
}

/**
 * The --out target: a new file, or an existing regular file to replace (its mode is
 * returned, to be kept). A folder, a device, a FIFO, a socket or a symbolic link is
 * refused: renaming over them would replace the node itself (a device by a JSON file, a
 * link by a file while its target stays stale).
 */
async function inspectTarget(path: string): Promise<{ mode: number | null }> {
  const refuse = (why: string) =>
    new HeadflowError("bad-argument", `cannot write --out ${JSON.stringify(path)}: ${why}`);
  if (path.trim() === "") throw refuse("the path is empty");
  let stats: Stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { mode: null };
    throw refuse(errorMessage(error));
  }
  const kind = refusedKind(stats);
  if (kind !== null) throw refuse(`it is ${kind}; --out takes a regular file`);
  return { mode: stats.mode & 0o7777 };
}

/**
 * Fails early (before a long computation) when --out cannot take the result: what is
 * there now is not a regular file, or its folder does not exist or is not writable.
 */
export async function checkWritableTarget(path: string): Promise<void> {
  await inspectTarget(path);
  const folder = dirname(resolve(path));
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw new HeadflowError(
      "bad-argument",
      `cannot write --out ${path}: folder ${folder} does not exist or is not writable`,
    );
  }
}

/**
 * Writes to a temporary file beside the target, then renames it over the target, so a
 * failed or cancelled run never leaves a partial file. The target is checked again here
 * (it may have changed during the run), and an existing file's mode is kept.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const { mode } = await inspectTarget(path);
  const target = resolve(path);
  const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    // "wx": never follow or reuse whatever might sit at the temporary name.
    const handle = await open(temporary, "wx", 0o600);
    try {
      await handle.writeFile(text);
      // chmod, not open's mode: the umask would narrow the latter.
      await handle.chmod(mode ?? 0o666 & ~process.umask());
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new HeadflowError("bad-argument", `cannot write --out ${path}: ${errorMessage(error)}`);
  }
}
