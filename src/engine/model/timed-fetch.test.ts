/**
 * Downloads against real local HTTP servers that misbehave: one accepts and never
 * answers, one sends headers and a few bytes then stalls, one is slow but steady.
 * Timeouts are set to a few hundred ms so the suite stays fast.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadReader } from "../exports/transformers-js/download";
import { HeadflowError } from "../errors";
import { fetchReader } from "./files";

let server: Server;
let base = "";
const open = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((request, response) => {
    open.add(response);
    response.on("close", () => open.delete(response));
    if (request.url?.startsWith("/silent/")) return; // accepted, never answered
    if (request.url?.startsWith("/stall/")) {
      response.writeHead(200, { "content-length": "1000" });
      response.write("12345"); // then nothing more
      return;
    }
    if (request.url?.startsWith("/steady/")) {
      // 5 chunks, 80 ms apart: 400 ms in all, longer than the 250 ms stall timeout.
      response.writeHead(200, { "content-length": "5" });
      let sent = 0;
      const timer = setInterval(() => {
        response.write("x");
        if (++sent === 5) {
          clearInterval(timer);
          response.end();
        }
      }, 80);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const response of open) response.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** The error a read ends with, and how long it took. */
async function failure(run: () => Promise<unknown>): Promise<{ error: HeadflowError; ms: number }> {
  const started = performance.now();
  const error = await run().then(
    () => new Error("no error"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HeadflowError);
  return { error: error as HeadflowError, ms: performance.now() - started };
}

const timeouts = { connectTimeoutMs: 250, stallTimeoutMs: 250 };

describe("downloads from a server that misbehaves", () => {
  for (const [name, reader] of [
    ["fetchReader (bundles, the CLI)", (url: string) => fetchReader(url, fetch, timeouts)],
    ["downloadReader (third-party exports)", (url: string) => downloadReader(url, timeouts)],
  ] as const) {
    describe(name, () => {
      it("gives up on a server that accepts and never answers", async () => {
        const { error, ms } = await failure(() => reader(`${base}/silent/`)("config.json"));
        expect(error.code).toBe("bad-model");
        expect(error.message).toBe(
          `model file config.json: ${base}/silent/config.json did not answer within 250 ms (the server accepted the connection but sent no response)`,
        );
        expect(ms).toBeGreaterThanOrEqual(200);
        expect(ms).toBeLessThan(3000);
      });

      it("gives up on a body that stops coming", async () => {
        const { error, ms } = await failure(() => reader(`${base}/stall/`)("model.onnx"));
        expect(error.message).toBe(
          `model file model.onnx: the download from ${base}/stall/model.onnx stalled (no data for 250 ms after 5 bytes)`,
        );
        expect(ms).toBeLessThan(3000);
      });

      it("reads a slow but steady body that takes longer than the stall timeout", async () => {
        const bytes = await reader(`${base}/steady/`)("slow.bin");
        expect(new TextDecoder().decode(bytes)).toBe("xxxxx");
      });
    });
  }

  it("cancels while waiting for headers and mid-body, at once", async () => {
    const slow = { connectTimeoutMs: 60_000, stallTimeoutMs: 60_000 };
    for (const path of ["silent/", "stall/"]) {
      const controller = new AbortController();
      const read = downloadReader(`${base}/${path}`, { ...slow, signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      const { error, ms } = await failure(() => read("model.onnx"));
      expect(error.code).toBe("cancelled");
      expect(error.message).toBe("the download was cancelled");
      expect(ms).toBeLessThan(2000);
    }
    const already = new AbortController();
    already.abort();
    const { error } = await failure(() =>
      fetchReader(`${base}/silent/`, fetch, { signal: already.signal })("x"),
    );
    expect(error.code).toBe("cancelled");
  });
});
