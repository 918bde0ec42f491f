/**
 * Writing a split to disk: images.u8 (N x S x S x 3 uint8), scenes.jsonl, info.json,
 * and DONE last. Images and metadata are written in chunks as they are generated, so a
 * 300k-scene split never sits in memory.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

export class SplitWriter {
  private readonly imageFd: number;
  private readonly sceneFd: number;
  private readonly chunk: Uint8Array;
  private lines: string[] = [];
  private filled = 0;
  private written = 0;

  /**
   * @param dir split directory (created; a previous DONE marker is removed first, so an
   *   interrupted run never looks complete)
   * @param imageBytes bytes per image
   * @param chunkImages images buffered before each write
   */
  constructor(
    readonly dir: string,
    private readonly imageBytes: number,
    chunkImages = 1024,
  ) {
    mkdirSync(dir, { recursive: true });
    rmSync(join(dir, "DONE"), { force: true });
    this.imageFd = openSync(join(dir, "images.u8.partial"), "w");
    this.sceneFd = openSync(join(dir, "scenes.jsonl.partial"), "w");
    this.chunk = new Uint8Array(imageBytes * chunkImages);
  }

  /** Buffer slot for the next image (fill it, then call `add`). */
  nextImage(): Uint8Array {
    return this.chunk.subarray(this.filled * this.imageBytes, (this.filled + 1) * this.imageBytes);
  }

  add(record: unknown): void {
    this.lines.push(JSON.stringify(record));
    this.filled++;
    this.written++;
    if ((this.filled + 1) * this.imageBytes > this.chunk.length) this.flush();
  }

  get count(): number {
    return this.written;
  }

  private flush(): void {
    if (this.filled === 0) return;
    writeSync(this.imageFd, this.chunk, 0, this.filled * this.imageBytes);
    writeSync(this.sceneFd, this.lines.join("\n") + "\n");
    this.filled = 0;
    this.lines = [];
  }

  /** Flushes, moves the files into place, writes info.json, then DONE. */
  finish(info: object): void {
    this.flush();
    closeSync(this.imageFd);
    closeSync(this.sceneFd);
    renameSync(join(this.dir, "images.u8.partial"), join(this.dir, "images.u8"));
    renameSync(join(this.dir, "scenes.jsonl.partial"), join(this.dir, "scenes.jsonl"));
    writeFileSync(join(this.dir, "info.json"), JSON.stringify(info, null, 2) + "\n");
    writeFileSync(join(this.dir, "DONE"), `${this.written}\n`);
  }
}

/** The info.json of a complete split in `dir`, or undefined if it is missing or incomplete. */
export function completedInfo(dir: string): Record<string, unknown> | undefined {
  if (!existsSync(join(dir, "DONE")) || !existsSync(join(dir, "info.json"))) return undefined;
  try {
    return JSON.parse(readFileSync(join(dir, "info.json"), "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
