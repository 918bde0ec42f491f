/** The browser-side readers of third-party exports, run in Node with fakes. */
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { NODE_SESSION_OPTIONS, nodeImageDecoder } from "../../node";
import { downloadReader, type DownloadProgress, type ResponseCache } from "./download";
import { fileMapReader } from "./file-map-reader";
import { loadThirdParty } from "./load";

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

describe("external data over a URL", () => {
  /** tiny-llava served from a fake origin, its decoder split into two external data chunks. */
  const files: Record<string, () => Uint8Array> = {};
  const fixture = "e2e/fixtures/models/tiny-llava";
  const variants = "src/engine/exports/transformers-js/fixtures/tiny-llava-dtypes/onnx";
  const config = JSON.parse(readFileSync(`${fixture}/config.json`, "utf8")) as object;
  files["config.json"] = () =>
    new TextEncoder().encode(
      JSON.stringify({
        ...config,
        "transformers.js_config": {
          use_external_data_format: { "decoder_model_merged.onnx": 2 },
        },
      }),
    );
  for (const name of [
    "decoder_model_merged.onnx",
    "decoder_model_merged.onnx_data",
    "decoder_model_merged.onnx_data_1",
  ]) {
    files[`onnx/${name}`] = () => readFileSync(`${variants}/${name}`);
  }
  const fetchFn = (async (input: RequestInfo | URL) => {
    const path = new URL(String(input)).pathname.replace(/^\/m\//, "");
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(files[path] ? files[path]() : readFileSync(`${fixture}/${path}`));
    } catch {
      return new Response(null, { status: 404 });
    }
    return new Response(bytes, { headers: { "content-length": String(bytes.length) } });
  }) as typeof fetch;

  it("streams each chunk with progress, caches it, and reads it from the cache next time", async () => {
    const store = new Map<string, Response>();
    const cache: ResponseCache = {
      match: async (url) => store.get(url)?.clone(),
      put: async (url, response) => void store.set(url, response),
    };
    const load = async (progress: DownloadProgress[]) => {
      const read = downloadReader("https://models.test/m/", {
        cache,
        fetchFn,
        onProgress: (p) => progress.push(p),
      });
      return loadThirdParty(read, ort, nodeImageDecoder, { sessionOptions: NODE_SESSION_OPTIONS });
    };
    const first: DownloadProgress[] = [];
    const model = await load(first);
    expect(model.thirdParty.manifest.graphs.decoder).toBe("onnx/decoder_model_merged.onnx");
    const chunk = "onnx/decoder_model_merged.onnx_data_1";
    const size = readFileSync(`${variants}/decoder_model_merged.onnx_data_1`).length;
    expect(first.filter((p) => p.path === chunk).at(-1)).toEqual({
      path: chunk,
      loaded: size,
      total: size,
      cached: false,
    });
    expect(store.has(`https://models.test/m/${chunk}`)).toBe(true);
    const second: DownloadProgress[] = [];
    await load(second);
    expect(second.filter((p) => p.path === chunk)).toEqual([
      { path: chunk, loaded: size, total: size, cached: true },
    ]);
  });
});
