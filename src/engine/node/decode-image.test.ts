import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeImageBytes, readImageFile } from "./decode-image";

const dir = mkdtempSync(join(tmpdir(), "headflow-images-"));

/** A PNG signature and IHDR chunk claiming width x height, with no pixel data (a few bytes). */
function pngHeader(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write("IHDR", 4, "ascii");
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 6, 0, 0, 0], 16); // 8-bit RGBA
  return new Uint8Array(
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]),
  );
}

async function encoded(
  format: "png" | "jpeg" | "webp" | "gif",
  channels: 3 | 1 = 3,
): Promise<Uint8Array> {
  const base = sharp({
    create: { width: 6, height: 4, channels: 3, background: { r: 250, g: 10, b: 10 } },
  });
  const image = channels === 1 ? base.grayscale() : base;
  return new Uint8Array(
    await image.toFormat(format, format === "jpeg" ? { quality: 95 } : {}).toBuffer(),
  );
}

describe("image decoding (Node)", () => {
  it.each(["png", "jpeg", "webp", "gif"] as const)(
    "decodes %s to RGBA at its own size",
    async (format) => {
      const image = await decodeImageBytes(await encoded(format), `x.${format}`);
      expect([image.width, image.height, image.data.length]).toEqual([6, 4, 6 * 4 * 4]);
      expect(image.data[0]).toBeGreaterThan(200);
      expect(image.data[1]).toBeLessThan(60);
      expect(image.data[3]).toBe(255);
    },
  );

  it("expands grayscale to RGBA", async () => {
    const image = await decodeImageBytes(await encoded("png", 1), "gray.png");
    expect(image.data.length).toBe(6 * 4 * 4);
  });

  it("takes the first frame of an animated GIF", async () => {
    const frame = (r: number) =>
      sharp({ create: { width: 4, height: 4, channels: 3, background: { r, g: 0, b: 0 } } })
        .png()
        .toBuffer();
    const gif = await sharp([await frame(255), await frame(0)], { join: { animated: true } })
      .gif()
      .toBuffer();
    const image = await decodeImageBytes(new Uint8Array(gif), "anim.gif");
    expect([image.width, image.height]).toEqual([4, 4]);
    expect(image.data[0]).toBeGreaterThan(200);
  });

  it("refuses a 20000x20000 PNG by its header, before decoding", async () => {
    const path = join(dir, "huge.png");
    writeFileSync(path, pngHeader(20000, 20000));
    await expect(readImageFile(path)).rejects.toThrow(
      /huge\.png is too large: 20000x20000 pixels \(400 megapixels\), the limit is 40 megapixels/,
    );
  });

  it("gives a specific error for a missing file, a folder, a non-image and a damaged image", async () => {
    await expect(readImageFile(join(dir, "nope.png"))).rejects.toThrow(
      /cannot read image .*nope\.png: no such file/,
    );
    await expect(readImageFile(dir)).rejects.toThrow(/cannot read image .*: it is a folder/);
    const text = join(dir, "notes.png");
    writeFileSync(text, "hello, I am text");
    await expect(readImageFile(text)).rejects.toThrow(
      /notes\.png is not an image: its content is not a PNG, JPEG, WebP or GIF image/,
    );
    const empty = join(dir, "empty.jpg");
    writeFileSync(empty, "");
    await expect(readImageFile(empty)).rejects.toThrow(
      /empty\.jpg is not an image: the file is empty/,
    );
    const damaged = join(dir, "damaged.png");
    writeFileSync(damaged, pngHeader(8, 8));
    await expect(readImageFile(damaged)).rejects.toThrow(
      /^damaged\.png is not a readable PNG image: its pixel data is damaged or cut short$/,
    );
  });

  it("words a cut PNG in its own terms, never the decoder library's", async () => {
    const whole = await encoded("png");
    // 20 bytes end inside IHDR (image-size throws a DataView RangeError there); all but the
    // last 20 end inside the pixel data (libvips throws "vipspng: libpng read error").
    for (const [length, part] of [
      [20, "header"],
      [whole.length - 20, "pixel data"],
    ] as const) {
      const error = await decodeImageBytes(whole.slice(0, length), "cut.png").catch((e) => e);
      expect((error as Error).message).toBe(
        `cut.png is not a readable PNG image: its ${part} is damaged or cut short`,
      );
      expect((error as Error).message).not.toMatch(/DataView|vips|libpng|Offset/);
    }
  });
});
