import { describe, expect, it } from "vitest";
import { pixelHash } from "./pixel-hash";

/** FNV-1a 32-bit, written from its definition (offset basis, prime, xor then multiply). */
function fnv1a(bytes: number[]): number {
  let hash = 2166136261n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 16777619n) % 2n ** 32n;
  return Number(hash);
}

describe("pixelHash", () => {
  it("is FNV-1a over width, height and the pixels, labelled with the size", () => {
    const data = Uint8Array.from([1, 2, 3, 255, 9, 8, 7, 255]);
    const expected = fnv1a([2, 1, ...data]).toString(16);
    expect(pixelHash({ width: 2, height: 1, data })).toBe(`2x1:${expected}`);
  });

  it("tells apart images that differ in one byte or only in shape", () => {
    const data = new Uint8Array(16).fill(7);
    const other = data.slice();
    other[5] = 8;
    const a = pixelHash({ width: 2, height: 2, data });
    expect(pixelHash({ width: 2, height: 2, data: other })).not.toBe(a);
    expect(pixelHash({ width: 4, height: 1, data })).not.toBe(a);
  });
});
