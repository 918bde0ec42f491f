/** The browser-side readers of third-party exports, run in Node with fakes. */
import { describe, expect, it } from "vitest";
import { downloadReader, type ResponseCache } from "./download";
import { fileMapReader } from "./file-map-reader";

const blob = (text: string) => new Blob([text]);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("fileMapReader", () => {
  it("reads paths relative to the picked folder, with or without its name in front", async () => {
    const named = fileMapReader([
      { path: "tiny/config.json", file: blob("{}") },
      { path: "tiny/onnx/a.onnx", file: blob("A") },
    ]);
    expect(text(await named("onnx/a.onnx"))).toBe("A");
    const bare = fileMapReader([{ path: "config.json", file: blob("{}") }]);
    expect(text(await bare("config.json"))).toBe("{}");
    await expect(named("tokenizer.json")).rejects.toThrow(
      /model file tokenizer.json is missing from the chosen folder/,
    );
  });
});

describe("downloadReader", () => {
  const serve = (body: string, status = 200, length: string | null = String(body.length)) =>
    new Response(status === 200 ? body : null, {
      status,
      headers: length === null ? {} : { "content-length": length },
    });

  it("streams with progress, caches, and reads the cache next time", async () => {
    const store = new Map<string, Response>();
    const cache: ResponseCache = {
      match: async (url) => store.get(url)?.clone(),
      put: async (url, response) => void store.set(url, response),
    };
    let fetches = 0;
    const progress: { loaded: number; cached: boolean }[] = [];
    const read = downloadReader("https://example.test/m", {
      cache,
      fetchFn: async () => {
        fetches++;
        return serve("hello");
      },
      onProgress: (p) => progress.push({ loaded: p.loaded, cached: p.cached }),
    });
    expect(text(await read("config.json"))).toBe("hello");
    expect(text(await read("config.json"))).toBe("hello");
    expect(fetches).toBe(1);
    expect(store.has("https://example.test/m/config.json")).toBe(true);
    expect(progress.at(-1)).toEqual({ loaded: 5, cached: true });
  });

  it("fails clearly on 404, on files over the limit and on short bodies", async () => {
    const missing = downloadReader("https://example.test/m/", {
      fetchFn: async () => serve("", 404),
    });
    await expect(missing("onnx/x.onnx")).rejects.toThrow(/model file onnx\/x.onnx is missing/);
    const big = downloadReader("https://example.test/m/", {
      fetchFn: async () => serve("0123456789"),
      maxBytes: 4,
    });
    await expect(big("onnx/x.onnx")).rejects.toThrow(
      /is 10 bytes, more than the 4 bytes one file may take/,
    );
    const short = downloadReader("https://example.test/m/", {
      fetchFn: async () => serve("abc", 200, "10"),
    });
    await expect(short("x")).rejects.toThrow(/arrived incomplete: 3 of 10 bytes/);
  });
});
