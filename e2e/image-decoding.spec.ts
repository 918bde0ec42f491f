/**
 * The image worker in a real browser, format by format: what it decodes (size, pixels,
 * preview, thumbnail) and the clear messages for what it refuses. Drives the worker through
 * a test-only page (decode-harness/, see harness-build.ts).
 */
import { expect, test, type Page } from "@playwright/test";
import type { DecodeHarness, DecodeSummary } from "./decode-harness/main";
import { makePng } from "./fixtures/png";
import { buildHarness, type Harness } from "./harness-build";

let harness: Harness | null = null;

test.beforeAll(async () => {
  harness = await buildHarness("decode-harness");
});

test.afterAll(async () => {
  await harness?.dispose();
});

test.beforeEach(async ({ page }) => {
  await harness!.open(page, "decodeHarness");
});

function decode(page: Page, bytes: Uint8Array | number[], name: string): Promise<DecodeSummary> {
  return page.evaluate(
    ({ data, fileName }) =>
      (window as unknown as { decodeHarness: DecodeHarness }).decodeHarness.decode(data, fileName),
    { data: [...bytes], fileName: name },
  );
}

function encode(page: Page, type: string, width: number, height: number, colour: string) {
  return page.evaluate(
    ([mime, w, h, c]) =>
      (window as unknown as { decodeHarness: DecodeHarness }).decodeHarness.encode(mime, w, h, c),
    [type, width, height, colour] as const,
  );
}

/** Two frames of 1 x 1: red, then blue. Only the first may be decoded. */
const TWO_FRAME_GIF = Uint8Array.from([
  ...[0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0x80, 0, 0], // GIF89a, 1x1, 2-colour table
  ...[0xff, 0x00, 0x00, 0x00, 0x00, 0xff], // colour 0 red, colour 1 blue
  ...[0x21, 0xf9, 4, 0, 10, 0, 0, 0], // graphic control: 100 ms
  ...[0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0], // frame 1: colour 0
  ...[0x21, 0xf9, 4, 0, 10, 0, 0, 0],
  ...[0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4c, 0x01, 0], // frame 2: colour 1
  0x3b,
]);

function expectClose(actual: number[] | undefined, expected: number[], tolerance: number) {
  expect(actual).toHaveLength(expected.length);
  actual!.forEach((value, index) =>
    expect(Math.abs(value - expected[index]!)).toBeLessThanOrEqual(tolerance),
  );
}

test("a PNG decodes to exact RGBA pixels, a preview and a thumbnail", async ({ page }) => {
  const png = makePng(600, 300, (x, y) =>
    x === 0 && y === 0 ? [0, 255, 0, 255] : [200, 100, 50, 128],
  );
  const result = await decode(page, png, "photo.png");
  expect(result).toMatchObject({ ok: true, format: "png", width: 600, height: 300 });
  expect(result.pixelBytes).toBe(600 * 300 * 4);
  expect(result.firstPixel).toEqual([0, 255, 0, 255]);
  // Not premultiplied: a half-transparent pixel keeps its colour.
  expectClose(result.lastPixel, [200, 100, 50, 128], 1);
  expect(result.previewSize).toEqual([512, 256]);
  expect(result.thumbnail).toMatch(/^data:image\/(webp|png);base64,[A-Za-z0-9+/]+=*$/);
  expect(result.thumbnail!.length).toBeLessThan(20_000);
});

test("a JPEG decodes", async ({ page }) => {
  const jpeg = await encode(page, "image/jpeg", 40, 20, "rgb(30, 60, 200)");
  const result = await decode(page, jpeg, "photo.jpg");
  expect(result).toMatchObject({ ok: true, format: "jpeg", width: 40, height: 20 });
  expectClose(result.firstPixel, [30, 60, 200, 255], 6);
});

test("a WebP decodes", async ({ page }) => {
  const webp = await encode(page, "image/webp", 24, 12, "rgb(250, 200, 0)");
  const result = await decode(page, webp, "sticker.webp");
  expect(result).toMatchObject({ ok: true, format: "webp", width: 24, height: 12 });
  expectClose(result.firstPixel, [250, 200, 0, 255], 6);
});

test("an animated GIF decodes to its first frame", async ({ page }) => {
  const result = await decode(page, TWO_FRAME_GIF, "blink.gif");
  expect(result).toMatchObject({ ok: true, format: "gif", width: 1, height: 1 });
  expect(result.firstPixel).toEqual([255, 0, 0, 255]);
});

test("refusals are answers with clear messages", async ({ page }) => {
  expect(await decode(page, [], "empty.png")).toEqual({
    ok: false,
    message: "empty.png is empty.",
  });
  expect(await decode(page, [...Buffer.from("<svg/>")], "vector.svg")).toEqual({
    ok: false,
    message: "vector.svg is not an image (expected PNG, JPEG, WebP or GIF).",
  });
  const cut = await encode(page, "image/jpeg", 40, 20, "red");
  const truncated = await decode(page, cut.slice(0, 30), "cut.jpg");
  expect(truncated.message).toMatch(
    /^cut\.jpg (looks like a JPEG file, but it is damaged|could not be decoded)/,
  );
});
