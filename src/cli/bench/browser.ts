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

interface PageStart {
  backend: string;
  reason: string;
  question: string;
  loadMs: number;
  warmUpMs: number | null;
  entryGraphs: { layers: number; milliseconds: number } | null;
  /** Decode peers sharing the mask runs (src/workers/decode-peers.ts). */
  decodePeers: number;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

export interface PageAttribution {
  wallMs: number;
  workerTotalMs: number;
  prefillMs: number;
  masksMs: number;
  fitMs: number;
  samples: number;
  heldOutR: number | null;
  updates: number;
}

/** The worker settings a browser run may change (src/workers/inference-types.ts). */
export interface BrowserTuning {
  wasmThreads?: number;
  layerEntry?: boolean;
  decodePeers?: number;
}

/** One Chromium with the bench page, its model started: attributions on demand. */
export interface BrowserRun {
  start: PageStart;
  browserVersion: string;
  /** One default attribution; `batchSize`: masks per run instead of the default. */
  attribute(image: NamedImage, batchSize?: number): Promise<PageAttribution>;
  /** Any other method of the page's `window.headflowBench` (browser-page/main.ts). */
  call(method: string, args: unknown[]): Promise<unknown>;
  pageErrors: string[];
  close(): Promise<void>;
}

/** The bench page built and served (with the bundle at /model/); Chromium runs on demand. */
export interface BrowserBench {
  open(backend: BrowserBackend, tuning?: BrowserTuning): Promise<BrowserRun>;
  close(): Promise<void>;
}

/**
 * `mounts`: more folders served beside the bundle, by URL prefix (`/real-scale/`), e.g. a
 * third-party export the page loads after the bundled model, as the app's Model control does.
 */
export async function openBrowserBench(
  modelDir: string,
  log: (text: string) => void,
  mounts: Record<string, string> = {},
): Promise<BrowserBench> {
  const [{ build }, { chromium }, { findChromium }] = await Promise.all([
    import("vite"),
    import("@playwright/test"),
    import("../../../e2e/chromium-path"),
  ]);
  const outDir = await mkdtemp(join(tmpdir(), "headflow-bench-page-"));
  let server: Server | undefined;
  const cleanUp = async () => {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    await rm(outDir, { recursive: true, force: true });
  };
  try {
    log("building the browser bench page");
    await build({
      configFile: false,
      root: PAGE,
      base: "/",
      // Only errors: stdout carries the bench JSON, and a slow build's timing notes are noise.
      logLevel: "error",
      worker: { format: "es" },
      // As the app's vite.config.ts: one onnxruntime (not transformers.js's own copy too).
      resolve: { dedupe: ["onnxruntime-web", "onnxruntime-common"] },
      build: { outDir, emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 4000 },
    });
    server = await serve(outDir, {
      ...Object.fromEntries(Object.entries(mounts).map(([prefix, dir]) => [prefix, resolve(dir)])),
      "/model/": resolve(modelDir),
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no server address");
  const origin = `http://127.0.0.1:${address.port}`;
  const executablePath = findChromium();
  return {
    async open(backend, tuning = {}) {
      const args = backend === "webgpu" ? [...BASE_ARGS, "--enable-unsafe-webgpu"] : BASE_ARGS;
      const browser = await chromium.launch({ executablePath, args, headless: true });
      try {
        const page = await browser.newPage();
        const pageErrors: string[] = [];
        page.on("pageerror", (error) => pageErrors.push(error.message));
        await page.goto(`${origin}/`);
        await page.waitForFunction(() => "headflowBench" in window);
        const start = await page.evaluate(
          ([preference, modelUrl, settings]) =>
            (window as unknown as { headflowBench: PageApi }).headflowBench.start(
              preference,
              modelUrl,
              settings,
            ),
          [backend, `${origin}/model/`, tuning] as const,
        );
        return {
          start,
          browserVersion: browser.version(),
          pageErrors,
          attribute: (image, batchSize) =>
            page.evaluate(
              ([picture, question, batch]) =>
                (window as unknown as { headflowBench: PageApi }).headflowBench.attribute(
                  picture,
                  question,
                  batch ?? undefined,
                ),
              [
                {
                  name: image.name,
                  width: image.width,
                  height: image.height,
                  data: Array.from(image.data),
                },
                start.question,
                batchSize ?? null,
              ] as const,
            ),
          call: (method, args) =>
            page.evaluate(
              ([name, values]) =>
                (
                  (window as unknown as { headflowBench: Record<string, unknown> }).headflowBench[
                    name
                  ] as (...a: unknown[]) => Promise<unknown>
                )(...values),
              [method, args] as const,
            ),
          close: () => browser.close(),
        };
      } catch (error) {
        await browser.close();
        throw error;
      }
    },
    close: cleanUp,
  };
}

interface PageApi {
  start(preference: string, modelUrl: string, tuning: BrowserTuning): Promise<PageStart>;
  attribute(
    image: { name: string; width: number; height: number; data: number[] },
    question: string,
    batchSize?: number,
  ): Promise<PageAttribution>;
}

export async function browserTimings(
  options: { image: NamedImage; repeats: number; modelDir: string; backends: BrowserBackend[] },
  log: (text: string) => void,
): Promise<unknown> {
  const bench = await openBrowserBench(options.modelDir, log);
  try {
    const runs = [];
    for (const backend of options.backends) {
      log(`headless Chromium, ${backend}: ${options.repeats} attributions`);
      try {
        const run = await bench.open(backend);
        try {
          const loadBefore = loadavg()[0]!;
          const attributions: PageAttribution[] = [];
          for (let r = 0; r < options.repeats; r++)
            attributions.push(await run.attribute(options.image));
          const wall = attributions.map((a) => a.wallMs);
          // The first attribution may also compute the mean baseline; later ones reuse it.
          const later = wall.slice(1);
          runs.push({
            requested: backend,
            backend: run.start.backend,
            reason: run.start.reason,
            browser: run.browserVersion,
            modelLoadMs: round(run.start.loadMs, 1),
            warmUpMs: run.start.warmUpMs === null ? null : round(run.start.warmUpMs, 1),
            entryGraphs: run.start.entryGraphs,
            decodePeers: run.start.decodePeers,
            samples: attributions[0]!.samples,
            heldOutR: attributions[attributions.length - 1]!.heldOutR,
            firstAttributionMs: round(wall[0]!, 1),
            attributionMs: later.length > 0 ? round(median(later), 1) : null,
            attributionMsRuns: wall.map((x) => round(x, 1)),
            loadAverage: [round(loadBefore, 2), round(loadavg()[0]!, 2)],
            pageErrors: run.pageErrors,
          });
        } finally {
          await run.close();
        }
      } catch (error) {
        // One backend failing (say, no WebGPU adapter) still leaves the other's figures.
        runs.push({ requested: backend, error: errorMessage(error) });
      }
    }
    return {
      page: "src/cli/bench/browser-page (the app's client and workers alone)",
      flags: BASE_ARGS,
      webgpuFlag: "--enable-unsafe-webgpu",
      image: options.image.name,
      note: "attributionMs: median wall time (page side: call to result) of the attributions after the first; default settings, mean baseline, logit target",
      runs,
    };
  } finally {
    await bench.close();
  }
}

/** Static files: the built page at /, folders at their prefixes (`/model/`: the bundle), with COOP/COEP. */
function serve(pageDir: string, mounts: Record<string, string>): Promise<Server> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const mount = Object.keys(mounts).find((prefix) => path.startsWith(prefix));
    const [root, relative] = mount
      ? [mounts[mount]!, path.slice(mount.length)]
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
