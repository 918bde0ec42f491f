import { describe, expect, it } from "vitest";
import { quoteVisibly } from "./visible-text";

describe("quoteVisibly", () => {
  it("writes bidi, zero-width and control characters as \\uXXXX", () => {
    expect(quoteVisibly("cat\u202Egod")).toBe('"cat\\u202Egod"');
    expect(quoteVisibly("\u2066a\u2069\u200B\u200F\uFEFF")).toBe(
      '"\\u2066a\\u2069\\u200B\\u200F\\uFEFF"',
    );
    expect(quoteVisibly("a\nb\tc\u0000\u0085\u2028")).toBe(
      '"a\\u000Ab\\u0009c\\u0000\\u0085\\u2028"',
    );
  });

  it("leaves ordinary text in any script alone, and escapes quotes", () => {
    expect(quoteVisibly("héllo, мир, 世界, مرحبا")).toBe('"héllo, мир, 世界, مرحبا"');
    expect(quoteVisibly('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
  });

  it("leaves nothing that reorders the text (checked against the Unicode Bidi_Control set)", () => {
    // Bidi_Control characters per Unicode's PropList.txt, listed independently here.
    const bidiControls = [
      0x061c,
      0x200e,
      0x200f,
      ...range(0x202a, 0x202e),
      ...range(0x2066, 0x2069),
    ];
    for (const code of bidiControls) {
      const quoted = quoteVisibly(`x${String.fromCharCode(code)}y`);
      expect(quoted).not.toMatch(/\p{Bidi_Control}/u);
      expect(quoted).toBe(`"x\\u${code.toString(16).toUpperCase().padStart(4, "0")}y"`);
    }
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
