/**
 * One default attribution (1000 masks, mean baseline, logit target) in headless Chromium
 * through the app's client and workers, against the same attribution in Node, back to back:
 * each repeat runs Node, then the browser, so a change in the machine's load hits both.
 * Reports, per browser configuration, the browser/Node ratio of every repeat and their
 * median, and where the browser's time goes (prefill, mask runs, handing batches to the
 * scoring worker and its final fit, and what is left: the crossing to the page).
 *
 *   npx tsx scripts/browser-bench.ts [--repeats R] [--configs LIST] [--out FILE]
 *
 * --configs: comma-separated browser runs, each
 * `backend[:threads=N][:entry=0|1][:batch=N][:peers=N]`
 * (default `wasm`, the app's own settings). Every configuration gets its own Chromium and
 * one attribution first that is not counted (it computes the image's prefill and the
 * worker's first fit). Prints (and with --out writes) one JSON object.
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { attribute, type Headflow, type NamedImage } from "../src/engine";
import {
  openBrowserBench,
  type BrowserBackend,
  type BrowserTuning,
  type PageAttribution,
} from "../src/cli/bench/browser";
import { defaultImage } from "../src/cli/bench/setup";
import { median, round } from "../src/cli/bench/stats";
import { DEFAULT_MODEL, openModel } from "../src/cli/context";

const { values } = parseArgs({
  options: {
    repeats: { type: "string", default: "5" },
    configs: { type: "string", default: "wasm" },
    out: { type: "string" },
    model: { type: "string" },
  },
});

interface Config {
  label: string;
  backend: BrowserBackend;
  tuning: BrowserTuning;
  batchSize?: number;
}

function parseConfig(text: string): Config {
  const [backend, ...options] = text.split(":");
  if (backend !== "wasm" && backend !== "webgpu")
    throw new Error(`--configs: backend must be wasm or webgpu (got "${backend}")`);
  const tuning: BrowserTuning = {};
  let batchSize: number | undefined;
  for (const option of options) {
    const [key, value] = option.split("=");
    if (key === "threads" && /^[1-9][0-9]*$/.test(value ?? "")) tuning.wasmThreads = Number(value);
    else if (key === "entry" && (value === "0" || value === "1")) tuning.layerEntry = value === "1";
    else if (key === "batch" && /^[1-9][0-9]*$/.test(value ?? "")) batchSize = Number(value);
    else if (key === "peers" && /^[0-8]$/.test(value ?? "")) tuning.decodePeers = Number(value);
    else
      throw new Error(
        `--configs: unknown option "${option}" (threads=N, entry=0|1, batch=N, peers=0..8)`,
      );
  }
  return { label: text, backend, tuning, ...(batchSize === undefined ? {} : { batchSize }) };
}

const repeats = Number(values.repeats);
if (!Number.isInteger(repeats) || repeats < 1) throw new Error("--repeats must be >= 1");
const configs = values.configs.split(",").map(parseConfig);
const log = (text: string) => process.stderr.write(`browser-bench: ${text}\n`);

async function nodeAttribution(headflow: Headflow, image: NamedImage) {
  const result = await attribute(headflow, image, { baseline: { kind: "mean" } });
  return result.timings;
}

const headflow = await openModel(values.model);
const image = await defaultImage(headflow);
log("Node: one attribution first (baseline, sessions)");
await nodeAttribution(headflow, image);
const bench = await openBrowserBench(values.model ?? DEFAULT_MODEL, log);
const results = [];
try {
  for (const config of configs) {
    log(`${config.label}: starting Chromium and the model`);
    const run = await bench.open(config.backend, config.tuning);
    try {
      await run.attribute(image, config.batchSize);
      const rows: {
        load: number;
        node: Awaited<ReturnType<typeof nodeAttribution>>;
        browser: PageAttribution;
      }[] = [];
      for (let r = 0; r < repeats; r++) {
        const load = loadavg()[0]!;
        const node = await nodeAttribution(headflow, image);
        const browser = await run.attribute(image, config.batchSize);
        log(
          `${config.label} #${r + 1}: browser ${round(browser.wallMs, 0)} ms, Node ${round(node.totalMs, 0)} ms`,
        );
        rows.push({ load: round(load, 2), node, browser });
      }
      const ms = (pick: (row: (typeof rows)[number]) => number) => round(median(rows.map(pick)), 1);
      results.push({
        config: config.label,
        backend: run.start.backend,
        reason: run.start.reason,
        crossOriginIsolated: run.start.crossOriginIsolated,
        hardwareConcurrency: run.start.hardwareConcurrency,
        modelLoadMs: round(run.start.loadMs, 1),
        warmUpMs: run.start.warmUpMs === null ? null : round(run.start.warmUpMs, 1),
        entryGraphs: run.start.entryGraphs,
        decodePeers: run.start.decodePeers,
        median: {
          browserMs: ms((row) => row.browser.wallMs),
          nodeMs: ms((row) => row.node.totalMs),
          ratio: round(median(rows.map((row) => row.browser.wallMs / row.node.totalMs)), 2),
          browser: {
            prefillMs: ms((row) => row.browser.prefillMs),
            masksMs: ms((row) => row.browser.masksMs),
            fitMs: ms((row) => row.browser.fitMs),
            crossingMs: ms((row) => row.browser.wallMs - row.browser.workerTotalMs),
          },
          node: {
            prefillMs: ms((row) => row.node.prefillMs),
            masksMs: ms((row) => row.node.masksMs),
            fitMs: ms((row) => row.node.fitMs),
          },
        },
        heldOutR: rows.map((row) => row.browser.heldOutR),
        repeats: rows.map((row) => ({
          load: row.load,
          ratio: round(row.browser.wallMs / row.node.totalMs, 2),
          browserMs: round(row.browser.wallMs, 1),
          nodeMs: round(row.node.totalMs, 1),
          browser: {
            prefillMs: round(row.browser.prefillMs, 1),
            masksMs: round(row.browser.masksMs, 1),
            fitMs: round(row.browser.fitMs, 1),
            crossingMs: round(row.browser.wallMs - row.browser.workerTotalMs, 1),
            updates: row.browser.updates,
          },
          node: {
            prefillMs: round(row.node.prefillMs, 1),
            masksMs: round(row.node.masksMs, 1),
            fitMs: round(row.node.fitMs, 1),
          },
        })),
        browser: run.browserVersion,
        pageErrors: run.pageErrors,
      });
    } finally {
      await run.close();
    }
  }
} finally {
  await bench.close();
}

const report = {
  command: `npx tsx scripts/browser-bench.ts ${process.argv.slice(2).join(" ")}`.trim(),
  createdAt: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "unknown" },
  image: image.name,
  note: "default attribution (1000 masks, alpha 0.05, mean baseline cached, logit target); each repeat runs Node then the browser; browserMs: page side, call to result, through src/client (inference worker runs masks, scoring worker fits); crossingMs: page wall minus the worker's own total (the requests and result crossing workers and the page, the final fit's answer); fitMs in the browser: handing batches to the scoring worker and awaiting its final fit",
  results,
};
const json = JSON.stringify(report, null, 2);
if (values.out !== undefined) writeFileSync(values.out, `${json}\n`);
process.stdout.write(`${json}\n`);
