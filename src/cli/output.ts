/** Where results go: JSON on stdout, or a file written atomically (never half-written). */
import { access, constants, rename, unlink, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { HeadflowError } from "../engine";

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

/** Fails early (before a long computation) when the output folder cannot take the file. */
export async function checkWritableTarget(path: string): Promise<void> {
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

/** Writes to a temporary file beside the target, then renames it over the target. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const target = resolve(path);
  const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new HeadflowError(
      "bad-argument",
      `cannot write --out ${path}: ${(error as Error).message}`,
    );
  }
}
