import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_IMAGE_FILE_BYTES } from "../model/file-limits";
import { readImageFile } from "./decode-image";
import { readCheckedFile } from "./read-checked-file";

const dir = mkdtempSync(join(tmpdir(), "headflow-checked-"));
const options = { maxBytes: 1000, what: "test file", code: "bad-argument" } as const;

/** The one-line message a read ends with, and how long it took. */
async function refusal(run: () => Promise<unknown>): Promise<{ message: string; ms: number }> {
  const started = performance.now();
  const error = await run().then(
    () => new Error("read, not refused"),
    (e: unknown) => e as Error,
  );
  return { message: error.message, ms: performance.now() - started };
}

describe("readCheckedFile", () => {
  it("reads a regular file, also through a symbolic link", async () => {
    const file = join(dir, "ok.bin");
    writeFileSync(file, Uint8Array.from([1, 2, 3]));
    expect([...(await readCheckedFile(file, options))]).toEqual([1, 2, 3]);
    const link = join(dir, "link.bin");
    symlinkSync(file, link);
    expect([...(await readCheckedFile(link, options))]).toEqual([1, 2, 3]);
  });

  it("refuses a FIFO at once, without waiting for a writer", async () => {
    const fifo = join(dir, "pipe.png");
    execFileSync("mkfifo", [fifo]);
    const { message, ms } = await refusal(() => readCheckedFile(fifo, options));
    expect(message).toBe(
      `cannot read test file ${fifo}: it is a FIFO (named pipe), not a regular file`,
    );
    expect(ms).toBeLessThan(5000); // a blocking open would never return
  });

  it("refuses devices (/dev/zero never ends; /dev/null is empty) and folders", async () => {
    for (const device of ["/dev/zero", "/dev/null"]) {
      expect((await refusal(() => readCheckedFile(device, options))).message).toBe(
        `cannot read test file ${device}: it is a device, not a regular file`,
      );
    }
    expect((await refusal(() => readCheckedFile(dir, options))).message).toBe(
      `cannot read test file ${dir}: it is a folder, not a regular file`,
    );
  });

  it("refuses a file over the limit by its size, before reading it", async () => {
    const file = join(dir, "big.bin");
    writeFileSync(file, new Uint8Array(1001));
    expect((await refusal(() => readCheckedFile(file, options))).message).toBe(
      `cannot read test file ${file}: it is 1001 bytes, over the 1000 bytes limit`,
    );
  });

  it("names a missing file and an empty path", async () => {
    const missing = join(dir, "nope.bin");
    expect((await refusal(() => readCheckedFile(missing, options))).message).toBe(
      `cannot read test file ${missing}: no such file`,
    );
    expect((await refusal(() => readCheckedFile("", options))).message).toBe(
      "cannot read test file : the path is empty",
    );
  });
});

describe("readImageFile on hostile paths", () => {
  it("refuses a 1.5 GB image file by its size without reading it", async () => {
    const huge = join(dir, "huge.png");
    writeFileSync(huge, "");
    truncateSync(huge, 1.5 * 2 ** 30); // sparse: takes no disk space
    const before = process.memoryUsage().rss;
    const { message, ms } = await refusal(() => readImageFile(huge));
    expect(message).toBe(
      `cannot read image ${huge}: it is 1536 MB, over the ${MAX_IMAGE_FILE_BYTES / 2 ** 20} MB limit`,
    );
    expect(ms).toBeLessThan(5000);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 2 ** 20);
  });

  it("refuses /dev/zero and a FIFO as images", async () => {
    expect((await refusal(() => readImageFile("/dev/zero"))).message).toBe(
      "cannot read image /dev/zero: it is a device, not a regular file",
    );
    const fifo = join(dir, "image-pipe.png");
    execFileSync("mkfifo", [fifo]);
    expect((await refusal(() => readImageFile(fifo))).message).toMatch(/it is a FIFO/);
  });
});
