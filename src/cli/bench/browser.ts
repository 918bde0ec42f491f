/**
 * `headflow bench --browser`: the wall time of default attributions in headless Chromium,
 * on the wasm and the WebGPU backend (SwiftShader on a machine without a GPU), through the
 * app's real inference worker. A page holding only that worker (browser-page/) is built
 * with Vite into a temporary folder and served from 127.0.0.1 with the COOP/COEP headers
 * the app's server sends (cross-origin isolation: wasm threads), together with the model
 * bundle. Chromium is the one the e2e tests use (e2e/chromium-path.ts), with their flags.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { errorMessage, type NamedImage } from "../../engine";
import { median, round } from "./stats";

const PAGE = fileURLToPath(new URL("./browser-page/", import.meta.url));

/** The e2e tests' Chromium flags (playwright.config.ts): closed network, root user. */
const BASE_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".png": "image/png",
  ".onnx": "application/octet-stream",
};

export type BrowserBackend = "wasm" | "webgpu";

interface PageRun {
  backend: string;
  reason: string;
  loadMs: number;
  question: string;
  samples: number;
  heldOutR: number | null;
  attributionMs: number[];
}

export async function browserTimings(
  options: { image: NamedImage; repeats: number; modelDir: string; backends: BrowserBackend[] },
  log: (text: string) => void,
): Promise<unknown> {
  const [{ build }, { chromium }, { findChromium }] = await Promise.all([
    import("vite"),
    import("@playwright/test"),
    import("../../../e2e/chromium-path"),
  ]);
  const outDir = await mkdtemp(join(tmpdir(), "headflow-bench-page-"));
  let server: Server | undefined;
  try {
    log("building the browser bench page");
    await build({
      configFile: false,
      root: PAGE,
      base: "/",
      // Only errors: stdout carries the bench JSON, and a slow build's timing notes are noise.
      logLevel: "error",
      worker: { format: "es" },
      build: { outDir, emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 4000 },
    });
    server = await serve(outDir, resolve(options.modelDir));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no server address");
    const origin = `http://127.0.0.1:${address.port}`;
    const executablePath = findChromium();
    const runs = [];
    for (const backend of options.backends) {
      log(`headless Chromium, ${backend}: ${options.repeats} attributions`);
      const args = backend === "webgpu" ? [...BASE_ARGS, "--enable-unsafe-webgpu"] : BASE_ARGS;
      const browser = await chromium.launch({ executablePath, args, headless: true });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(error.message));
        await page.goto(`${origin}/`);
        await page.waitForFunction(() => "headflowBench" in window);
        const loadBefore = loadavg()[0]!;
        const { image } = options;
        const run = await page.evaluate(
          ([preference, modelUrl, picture, repeats]) =>
            (
              window as unknown as {
                headflowBench: {
                  run(p: string, u: string, i: unknown, r: number): Promise<PageRun>;
                };
              }
            ).headflowBench.run(preference, modelUrl, picture, repeats),
          [
            backend,
            `${origin}/model/`,
            {
              name: image.name,
              width: image.width,
              height: image.height,
              data: Array.from(image.data),
            },
            options.repeats,
          ] as const,
        );
        // The first attribution also computes the mean baseline; later ones reuse it.
        const later = run.attributionMs.slice(1);
        runs.push({
          requested: backend,
          backend: run.backend,
          reason: run.reason,
          browser: browser.version(),
          modelLoadMs: round(run.loadMs, 1),
          samples: run.samples,
          heldOutR: run.heldOutR,
          firstAttributionMs: round(run.attributionMs[0]!, 1),
          attributionMs: later.length > 0 ? round(median(later), 1) : null,
          attributionMsRuns: run.attributionMs.map((x) => round(x, 1)),
          loadAverage: [round(loadBefore, 2), round(loadavg()[0]!, 2)],
          pageErrors: errors,
        });
      } catch (error) {
        // One backend failing (say, no WebGPU adapter) still leaves the other's figures.
        runs.push({ requested: backend, error: errorMessage(error) });
      } finally {
        await browser.close();
      }
    }
    return {
      page: "src/cli/bench/browser-page (the app's inference worker alone)",
      flags: BASE_ARGS,
      webgpuFlag: "--enable-unsafe-webgpu",
      image: options.image.name,
      note: "attributionMs: median wall time (page side: call to result) of the attributions after the first, which also computes the mean baseline; default settings, mean baseline, logit target",
      runs,
    };
  } finally {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    await rm(outDir, { recursive: true, force: true });
  }
}

/** Static files: the built page at /, the model bundle at /model/, with COOP/COEP. */
function serve(pageDir: string, modelDir: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const [root, relative] = path.startsWith("/model/")
      ? [modelDir, path.slice("/model/".length)]
      : [pageDir, path === "/" ? "index.html" : path.slice(1)];
    const file = normalize(join(root, relative));
    const headers = {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cross-Origin-Resource-Policy": "same-origin",
    };
    void stat(file)
      .then((info) => {
        if (!file.startsWith(root + sep) || !info.isFile()) throw new Error("not found");
        response.writeHead(200, {
          ...headers,
          "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
          "Content-Length": info.size,
        });
        createReadStream(file).pipe(response);
      })
      .catch(() => {
        response.writeHead(404, headers);
        response.end();
      });
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => done(server));
  });
}
