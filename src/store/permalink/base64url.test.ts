import { describe, expect, it } from "vitest";
import { Base64UrlError, decodeBase64Url, encodeBase64Url } from "./base64url";

describe("base64url", () => {
  it("matches Node's encoder for every length up to 64", () => {
    for (let length = 0; length <= 64; length++) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 151 + length * 7) & 255);
      const expected = Buffer.from(bytes).toString("base64url");
      expect(encodeBase64Url(bytes)).toBe(expected);
      expect(decodeBase64Url(expected)).toEqual(bytes);
    }
  });

  it("rejects characters outside the alphabet, naming the position", () => {
    expect(() => decodeBase64Url("AB+D")).toThrow(/character 3 \("\+"\)/);
    expect(() => decodeBase64Url("AB=D")).toThrow(Base64UrlError);
    expect(() => decodeBase64Url("ABé")).toThrow(Base64UrlError);
  });

  it("rejects impossible lengths", () => {
    expect(() => decodeBase64Url("ABCDE")).toThrow(/length/);
  });

  it("rejects stray bits in the last character, so each text has one meaning", () => {
    expect(decodeBase64Url("AA")).toEqual(new Uint8Array([0]));
    expect(() => decodeBase64Url("AB")).toThrow(/stray bits/);
  });
});
