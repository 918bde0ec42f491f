import { deflateSync } from "fflate";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { encodeBase64Url } from "./base64url";
import {
  decodePermalink,
  encodePermalink,
  MAX_INFLATED_BYTES,
  PERMALINK_FORMAT,
  PermalinkError,
} from "./codec";
import { crc32 } from "./crc32";

const SampleSchema = z.object({
  schema: z.literal("headflow.test/1"),
  title: z.string(),
  layers: z.number().int().positive(),
  heads: z.number().int().positive(),
  scores: z.array(z.number().nullable()),
  settings: z.object({ samples: z.number().int(), alpha: z.number(), seed: z.number().int() }),
});
type Sample = z.infer<typeof SampleSchema>;

/** A deterministic generator, so failures reproduce (mulberry32). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function samplePayload(): Sample {
  const random = seededRandom(7);
  const scores = Array.from({ length: 6 * 8 }, (_, index) =>
    index % 11 === 3 ? null : Math.round((random() - 0.5) * 1e6) / 1e6,
  );
  return {
    schema: "headflow.test/1",
    title: "A cat — drawn in watercolour 🐱",
    layers: 6,
    heads: 8,
    scores,
    settings: { samples: 512, alpha: 0.1, seed: 42 },
  };
}

/** Builds a link by hand, to reach the decoder's checks one at a time. */
function frameLink(json: Uint8Array, options: { checksum?: number; format?: number } = {}) {
  const compressed = deflateSync(json);
  const framed = new Uint8Array(compressed.length + 4);
  framed.set(compressed);
  new DataView(framed.buffer).setUint32(compressed.length, options.checksum ?? crc32(json));
  return `#a=${options.format ?? PERMALINK_FORMAT}.${encodeBase64Url(framed)}`;
}

function decodeOutcome(link: string): { ok: true; value: Sample } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: decodePermalink(link, SampleSchema) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The property every mangled link must have: a clear PermalinkError, or the original back. */
function expectErrorOrOriginal(link: string, original: Sample) {
  const outcome = decodeOutcome(link);
  if (outcome.ok) {
    expect(outcome.value).toEqual(original);
  } else {
    expect(outcome.error).toBeInstanceOf(PermalinkError);
    expect((outcome.error as PermalinkError).message).toMatch(/^This (permalink|link) /);
  }
  return outcome.ok;
}

function errorOf(link: string): PermalinkError {
  const outcome = decodeOutcome(link);
  if (outcome.ok) throw new Error(`expected ${link.slice(0, 40)}… to be refused`);
  expect(outcome.error).toBeInstanceOf(PermalinkError);
  return outcome.error as PermalinkError;
}

describe("permalink round trip", () => {
  it("gives back exactly what was encoded", () => {
    const payload = samplePayload();
    const link = encodePermalink(payload);
    expect(link).toMatch(/^#a=1\.[A-Za-z0-9_-]+$/);
    expect(decodePermalink(link, SampleSchema)).toEqual(payload);
  });

  it("reads a whole URL, a fragment, or a fragment without #", () => {
    const payload = samplePayload();
    const link = encodePermalink(payload);
    expect(decodePermalink(`https://example.org/headflow/?x=1${link}`, SampleSchema)).toEqual(
      payload,
    );
    expect(decodePermalink(link.slice(1), SampleSchema)).toEqual(payload);
  });

  it("round-trips many random payloads", () => {
    const random = seededRandom(1);
    for (let trial = 0; trial < 50; trial++) {
      const length = Math.floor(random() * 300);
      const payload: Sample = {
        ...samplePayload(),
        title: String.fromCodePoint(
          ...Array.from({ length: 20 }, () => 32 + Math.floor(random() * 5000)),
        ),
        scores: Array.from({ length }, () => (random() < 0.1 ? null : (random() - 0.5) * 1e3)),
      };
      expect(decodePermalink(encodePermalink(payload), SampleSchema)).toEqual(payload);
    }
  });

  it("refuses to encode NaN or Infinity, which JSON would silently turn into null", () => {
    expect(() => encodePermalink({ ...samplePayload(), scores: [1, Number.NaN] })).toThrow(
      /cannot carry NaN/,
    );
    expect(() => encodePermalink({ ...samplePayload(), alpha: Infinity } as Sample)).toThrow(
      /cannot carry Infinity/,
    );
  });

  it("refuses to encode a payload without a schema", () => {
    expect(() => encodePermalink({ schema: "" })).toThrow(/schema/);
  });
});

describe("permalink errors", () => {
  it("says when a link has no analysis or is someone else's", () => {
    expect(errorOf("https://example.org/").kind).toBe("not-a-permalink");
    expect(errorOf("https://example.org/#").message).toMatch(/holds no analysis/);
    const foreign = errorOf("https://example.org/#section-2");
    expect(foreign.kind).toBe("not-a-permalink");
    expect(foreign.message).toMatch(/not a HeadFlow permalink/);
  });

  it("says when a link was made by a newer HeadFlow", () => {
    const link = frameLink(new TextEncoder().encode(JSON.stringify(samplePayload())), {
      format: PERMALINK_FORMAT + 1,
    });
    const error = errorOf(link);
    expect(error.kind).toBe("newer-format");
    expect(error.message).toMatch(/made by a newer HeadFlow/);
  });

  it("says when the format number is garbled", () => {
    expect(errorOf("#a=x.AAAA").message).toMatch(/damaged: its format number/);
    expect(errorOf("#a=AAAA").message).toMatch(/damaged: its format number/);
  });

  it("says when the checksum does not match", () => {
    const json = new TextEncoder().encode(JSON.stringify(samplePayload()));
    const error = errorOf(frameLink(json, { checksum: (crc32(json) ^ 1) >>> 0 }));
    expect(error.message).toMatch(/damaged: its checksum does not match/);
  });

  it("says when the content is not UTF-8, not JSON or not an object", () => {
    expect(errorOf(frameLink(new Uint8Array([0x7b, 0xff, 0x7d]))).message).toMatch(/UTF-8/);
    expect(errorOf(frameLink(new TextEncoder().encode("{schema:"))).message).toMatch(/JSON/);
    expect(errorOf(frameLink(new TextEncoder().encode("[1,2]"))).message).toMatch(/JSON object/);
    expect(errorOf(frameLink(new TextEncoder().encode('{"a":1}'))).message).toMatch(/schema/);
  });

  it("names the foreign schema of a link it cannot open", () => {
    const json = JSON.stringify({ ...samplePayload(), schema: "headflow.analysis/9" });
    const error = errorOf(frameLink(new TextEncoder().encode(json)));
    expect(error.kind).toBe("unsupported-content");
    expect(error.message).toContain('"headflow.analysis/9"');
  });

  it("names the fields that fail validation", () => {
    const json = JSON.stringify({ ...samplePayload(), layers: -1, settings: {} });
    const error = errorOf(frameLink(new TextEncoder().encode(json)));
    expect(error.kind).toBe("damaged");
    expect(error.message).toMatch(/layers: .*settings\.samples/);
  });

  it("refuses a zip bomb without unpacking it", () => {
    const bomb = new Uint8Array(MAX_INFLATED_BYTES + 1024 * 1024).fill(0x20);
    const link = frameLink(bomb, { checksum: 0 });
    expect(link.length).toBeLessThan(40_000);
    const error = errorOf(link);
    expect(error.kind).toBe("too-large");
    expect(error.message).toMatch(/more than 20 MB/);
  });

  it("refuses a link too long to be honest before decoding it", () => {
    const error = errorOf(`#a=1.${"A".repeat(30 * 1024 * 1024)}`);
    expect(error.kind).toBe("too-large");
  });
});

describe("mangled permalinks fail clearly or decode to the original", () => {
  const original = samplePayload();
  const link = encodePermalink(original);

  it("every truncation", () => {
    let decoded = 0;
    for (let length = 0; length < link.length; length++) {
      if (expectErrorOrOriginal(link.slice(0, length), original)) decoded++;
    }
    expect(decoded).toBe(0);
  });

  it("every single-character change", () => {
    const replacements = ["A", "z", "0", "-", "_", ".", "!", "é"];
    let decoded = 0;
    for (let index = 0; index < link.length; index++) {
      for (const replacement of replacements) {
        if (link[index] === replacement) continue;
        const mangled = link.slice(0, index) + replacement + link.slice(index + 1);
        if (expectErrorOrOriginal(mangled, original)) decoded++;
      }
    }
    // Padding bits are checked, but a change inside deflate's own headers (e.g. the length
    // of an unused Huffman code) can still leave the content intact.
    expect(decoded).toBeLessThan(8);
  });

  it("every single-character deletion", () => {
    for (let index = 0; index < link.length; index++) {
      expectErrorOrOriginal(link.slice(0, index) + link.slice(index + 1), original);
    }
  });

  it("random multi-character damage", () => {
    const random = seededRandom(99);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=#";
    for (let trial = 0; trial < 500; trial++) {
      const characters = [...link];
      const changes = 1 + Math.floor(random() * 6);
      for (let change = 0; change < changes; change++) {
        const at = Math.floor(random() * characters.length);
        characters[at] = alphabet[Math.floor(random() * alphabet.length)]!;
      }
      expectErrorOrOriginal(characters.join(""), original);
    }
  });
});

describe("canonical links", () => {
  /** A link whose checksum is right but whose deflate stream is followed by `junk`. */
  function linkWithJunk(payload: Sample, junk: Uint8Array): string {
    const json = new TextEncoder().encode(JSON.stringify(payload));
    const compressed = deflateSync(json, { level: 9 });
    const framed = new Uint8Array(compressed.length + junk.length + 4);
    framed.set(compressed);
    framed.set(junk, compressed.length);
    new DataView(framed.buffer).setUint32(compressed.length + junk.length, crc32(json));
    return `#a=${PERMALINK_FORMAT}.${encodeBase64Url(framed)}`;
  }

  it("refuses bytes after the compressed data, however few", () => {
    const payload = samplePayload();
    expect(decodePermalink(linkWithJunk(payload, new Uint8Array()), SampleSchema)).toEqual(payload);
    for (const junk of [[0], [1], [0, 0], [255, 7, 7], Array.from({ length: 5000 }, () => 42)]) {
      expect(() =>
        decodePermalink(linkWithJunk(payload, Uint8Array.from(junk)), SampleSchema),
      ).toThrow("This permalink is damaged: bytes follow the end of its compressed data.");
    }
  });

  it("refuses set padding bits after the final block", () => {
    const payload = samplePayload();
    const json = new TextEncoder().encode(JSON.stringify(payload));
    const compressed = deflateSync(json, { level: 9 });
    const last = compressed[compressed.length - 1]!;
    // The encoder pads with zero bits; the highest bit of the last byte is padding unless the
    // stream happens to end on a byte boundary (then no flip below can leave it valid).
    const flipped = Uint8Array.from(compressed);
    flipped[flipped.length - 1] = last | 0x80;
    if (flipped[flipped.length - 1] === last) return;
    const framed = new Uint8Array(flipped.length + 4);
    framed.set(flipped);
    new DataView(framed.buffer).setUint32(flipped.length, crc32(json));
    expect(() =>
      decodePermalink(`#a=${PERMALINK_FORMAT}.${encodeBase64Url(framed)}`, SampleSchema),
    ).toThrow(PermalinkError);
  });
});
