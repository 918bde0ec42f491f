/**
 * The bytes a first visit downloads: the built app (dist/) opened in a fresh Chromium
 * profile (empty cache), from the first request until the answer to a bundled sample
 * image is shown. Counts every response the page and its workers receive (body and
 * headers, as Chromium reports them), grouped by file.
 *
 *   npx vite build && npx tsx scripts/first-visit-bytes.ts [--port P] [--backend wasm|webgpu]
 *
 * Serves dist/ with `vite preview` on --port (default 4181). Prints one JSON object.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium, expect, type Request } from "@playwright/test";
import { findChromium } from "../e2e/chromium-path";
import { startPreview } from "./preview-server";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4181" },
    backend: { type: "string", default: "wasm" },
    image: { type: "string", default: "public/samples/sample-00.png" },
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

const server = await startPreview(Number(values.port));
const browser = await chromium.launch({ executablePath: findChromium(), args, headless: true });
try {
  const page = await browser.newPage();
  const finished: Request[] = [];
  page.on("requestfinished", (request) => finished.push(request));
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
  const files = new Map<string, { requests: number; bytes: number }>();
  for (const request of finished) {
    const sizes = await request.sizes();
    const url = new URL(request.url());
    const key = url.origin === new URL(server.url).origin ? url.pathname : url.href;
    const entry = files.get(key) ?? { requests: 0, bytes: 0 };
    entry.requests++;
    entry.bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    files.set(key, entry);
  }
  const rows = [...files].map(([file, entry]) => ({ file, ...entry }));
  rows.sort((a, b) => b.bytes - a.bytes);
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  const report = {
    command: `npx tsx scripts/first-visit-bytes.ts ${process.argv.slice(2).join(" ")}`.trim(),
    createdAt: new Date().toISOString(),
    browser: browser.version(),
    backend: await page.getByRole("status", { name: "Backend" }).getAttribute("data-backend"),
    note: "a fresh profile (empty cache), from the first request until the first answer; bytes as received (vite preview sends no compression)",
    totalBytes: total,
    totalMB: Math.round(total / 1e4) / 100,
    requests: finished.length,
    secondsToFirstAnswer: seconds,
    files: rows,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await browser.close();
  server.stop();
}
