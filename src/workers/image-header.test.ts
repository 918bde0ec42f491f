import { describe, expect, it } from "vitest";
import {
  checkFileSize,
  ImageRejectedError,
  MAX_FILE_BYTES,
  readImageHeader,
  sniffImageFormat,
} from "./image-header";

// Minimal headers of each format, enough for the checks (no pixel data).
function png(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  bytes.set([...new TextEncoder().encode("IHDR")], 12);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  return bytes;
}

function jpeg(width: number, height: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof0 = [
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 255,
    width >> 8,
    width & 255,
    3,
  ];
  return Uint8Array.from([0xff, 0xd8, ...app0, ...sof0, ...new Array(9).fill(0)]);
}

function gif(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(13);
  bytes.set([...new TextEncoder().encode("GIF89a")]);
  const view = new DataView(bytes.buffer);
  view.setUint16(6, width, true);
  view.setUint16(8, height, true);
  return bytes;
}

function webp(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(30);
  const text = new TextEncoder();
  bytes.set([...text.encode("RIFF")], 0);
  new DataView(bytes.buffer).setUint32(4, 22, true);
  bytes.set([...text.encode("WEBPVP8X")], 8);
  new DataView(bytes.buffer).setUint32(16, 10, true);
  const w = width - 1;
  const h = height - 1;
  bytes.set(
    [w & 255, (w >> 8) & 255, (w >> 16) & 255, h & 255, (h >> 8) & 255, (h >> 16) & 255],
    24,
  );
  return bytes;
}

function rejection(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ImageRejectedError);
    return (error as Error).message;
  }
  throw new Error("expected the file to be refused");
}

describe("image type by magic bytes", () => {
  it("recognises PNG, JPEG, GIF and WebP", () => {
    expect(sniffImageFormat(png(1, 1))).toBe("png");
    expect(sniffImageFormat(jpeg(1, 1))).toBe("jpeg");
    expect(sniffImageFormat(gif(1, 1))).toBe("gif");
    expect(sniffImageFormat(webp(1, 1))).toBe("webp");
  });

  it("recognises nothing else, whatever the file is called", () => {
    const text = new TextEncoder();
    expect(sniffImageFormat(text.encode("%PDF-1.7\n"))).toBeNull();
    expect(sniffImageFormat(text.encode("<svg xmlns='http://www.w3.org/2000/svg'/>"))).toBeNull();
    expect(sniffImageFormat(text.encode("RIFF\0\0\0\0WAVEfmt "))).toBeNull();
    expect(sniffImageFormat(new Uint8Array([0x89, 0x50]))).toBeNull();
    expect(sniffImageFormat(new Uint8Array())).toBeNull();
  });
});

describe("image header check", () => {
  it("reads the size of each format", () => {
    expect(readImageHeader("a.png", png(640, 480), true)).toEqual({
      format: "png",
      width: 640,
      height: 480,
    });
    expect(readImageHeader("a.jpg", jpeg(300, 200), true)).toEqual({
      format: "jpeg",
      width: 300,
      height: 200,
    });
    expect(readImageHeader("a.gif", gif(32, 16), true)).toEqual({
      format: "gif",
      width: 32,
      height: 16,
    });
    expect(readImageHeader("a.webp", webp(1000, 700), true)).toEqual({
      format: "webp",
      width: 1000,
      height: 700,
    });
  });

  it("refuses a file that is not an image, by name, listing the formats", () => {
    const message = rejection(() =>
      readImageHeader("notes.png", new TextEncoder().encode("hello"), true),
    );
    expect(message).toBe("notes.png is not an image (expected PNG, JPEG, WebP or GIF).");
  });

  it("refuses an image over 40 megapixels before decoding it", () => {
    const message = rejection(() => readImageHeader("huge.png", png(8000, 6000), true));
    expect(message).toMatch(
      /^huge\.png is too large to decode: 8000 × 6000 pixels \(48 megapixels\)/,
    );
    expect(readImageHeader("ok.png", png(6000, 6000), true)).toMatchObject({ width: 6000 });
  });

  it("calls a zero-sized image damaged", () => {
    expect(rejection(() => readImageHeader("zero.png", png(0, 10), true))).toMatch(/damaged/);
  });

  it("calls a truncated header damaged, or asks for more bytes when the read was partial", () => {
    const cut = jpeg(300, 200).subarray(0, 12);
    expect(readImageHeader("cut.jpg", cut, false)).toBe("need-more");
    expect(rejection(() => readImageHeader("cut.jpg", cut, true))).toMatch(
      /^cut\.jpg looks like a JPEG file, but it is damaged or cut short/,
    );
  });

  it("refuses empty and enormous files by size alone", () => {
    expect(rejection(() => checkFileSize("empty.png", 0))).toBe("empty.png is empty.");
    expect(rejection(() => checkFileSize("big.png", MAX_FILE_BYTES + 1))).toMatch(
      /too large \(200 MB\)/,
    );
    expect(() => checkFileSize("fine.png", 1000)).not.toThrow();
  });
});
