/**
 * The bytes a first visit downloads: the built app (dist/) opened in a fresh Chromium
 * profile (empty cache), from the first request until the answer to a bundled sample
 * image is shown. Every file the page and its workers request is counted at its size in
 * dist/ (what a host serving it uncompressed sends); the bytes Chromium reports receiving
 * (`vite preview` compresses scripts; a worker's script body is not reported) are given
 * beside them.
 *
 *   npx vite build && npx tsx scripts/first-visit-bytes.ts [--port P] [--backend wasm|webgpu]
 *     [--dist DIR]
 *
 * Serves dist/ with `vite preview` on --port (default 4181). Prints one JSON object.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium, expect, type Request } from "@playwright/test";
import { findChromium } from "../e2e/chromium-path";
import { startPreview } from "./preview-server";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4181" },
    backend: { type: "string", default: "wasm" },
    image: { type: "string", default: "public/samples/sample-00.png" },
    /** Another build folder to serve and measure (default dist/). */
    dist: { type: "string", default: "dist" },
  },
});
const backend = values.backend === "webgpu" ? "webgpu" : "wasm";
// The e2e tests' flags (playwright.config.ts); WebGPU (SwiftShader here) only when asked.
const args = [
  "--headless=new",
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  ...(backend === "webgpu" ? ["--enable-unsafe-webgpu"] : []),
];

const server = await startPreview(Number(values.port), { outDir: values.dist });
const browser = await chromium.launch({ executablePath: findChromium(), args, headless: true });
try {
  const page = await browser.newPage();
  const finished: Request[] = [];
  page.on("requestfinished", (request) => finished.push(request));
  // A page that fails to start would otherwise only show as a timeout.
  page.on("pageerror", (error) => process.stderr.write(`page error: ${error.message}\n`));
  const started = Date.now();
  await page.goto(server.url);
  await expect(page.getByRole("status", { name: "Backend" })).toHaveAttribute(
    "data-backend",
    /.+/,
    { timeout: 300_000 },
  );
  await page.getByLabel("Image", { exact: true }).setInputFiles({
    name: "sample-00.png",
    mimeType: "image/png",
    buffer: readFileSync(values.image),
  });
  await expect(page.getByRole("region", { name: "Answer" })).toContainText("Answer:", {
    timeout: 300_000,
  });
  const seconds = (Date.now() - started) / 1000;
  const files = new Map<string, { requests: number; fileBytes: number; received: number }>();
  const origin = new URL(server.url).origin;
  for (const request of finished) {
    const sizes = await request.sizes();
    const url = new URL(request.url());
    if (url.origin !== origin) throw new Error(`a request left the app: ${url.href}`);
    const path = url.pathname === "/" ? "/index.html" : decodeURIComponent(url.pathname);
    const entry = files.get(path) ?? { requests: 0, fileBytes: 0, received: 0 };
    entry.requests++;
    // Counted once: a second request for a file comes from the cache or is the same bytes.
    entry.fileBytes = statSync(join(values.dist, path)).size;
    entry.received += sizes.responseBodySize + sizes.responseHeadersSize;
    files.set(path, entry);
  }
  const rows = [...files].map(([file, entry]) => ({ file, ...entry }));
  rows.sort((a, b) => b.fileBytes - a.fileBytes);
  const total = rows.reduce((sum, row) => sum + row.fileBytes, 0);
  const received = rows.reduce((sum, row) => sum + row.received, 0);
  const onnxRuntimes = rows.filter((row) => /ort-wasm.*\.wasm$/.test(row.file)).length;
  const report = {
    command: `npx tsx scripts/first-visit-bytes.ts ${process.argv.slice(2).join(" ")}`.trim(),
    createdAt: new Date().toISOString(),
    browser: browser.version(),
    backend: await page.getByRole("status", { name: "Backend" }).getAttribute("data-backend"),
    note: "a fresh profile (empty cache), from the first request until the first answer; fileBytes: each requested file's size in dist/; received: what Chromium reports (compressed scripts; worker scripts' bodies unreported)",
    totalBytes: total,
    totalMB: Math.round(total / 1e4) / 100,
    receivedBytes: received,
    onnxRuntimeWasmFiles: onnxRuntimes,
    requests: finished.length,
    secondsToFirstAnswer: seconds,
    files: rows,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await browser.close();
  server.stop();
}
