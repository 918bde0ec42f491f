/**
 * `npm run bench -- --real-scale`: SmolVLM-256M at its real size without its weights. A
 * random-weight export with the published geometry (real-scale-geometry.ts) is generated
 * when absent (scripts/fixtures/make-real-scale-smolvlm.py, into a git-ignored folder),
 * then ask, one head ablation and a default 1000-mask attribution run in Node
 * (real-scale-node.ts) and in headless Chromium on wasm through the app's workers
 * (real-scale-browser.ts), with wall times, peak memory and where the time goes. The JSON
 * (docs/measurements/real-scale.json by default) is the figure; the model is never committed.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { join, relative } from "node:path";
import { HeadflowError, type NamedImage } from "../../engine";
import { decodeImageBytes } from "../../engine/node";
import { toModelResolution } from "../../workers/model-image";
import { writeFileAtomic } from "../output";
import { browserRealScale } from "./real-scale-browser";
import {
  SMOLVLM_256M,
  generatedMismatches,
  geometryMismatches,
  imageLayout,
  type RealScaleOptions,
} from "./real-scale-geometry";
import { nodeRealScale } from "./real-scale-node";
import { round } from "./stats";

const GENERATOR = "scripts/fixtures/make-real-scale-smolvlm.py";
const IMAGE = "public/samples/sample-00.png";
/** HeadFlow's question for third-party models (exports/transformers-js/tokenizer.ts). */
const QUESTION = "What is the main object in the image? Answer with one word.";
/** A mid-depth key/value group: one ablation of the ablate phase. */
const ABLATED = { layer: 15, head: 1 };

/** Runs the generator unless the folder holds a finished generation (its generated.json). */
async function ensureGenerated(dir: string, log: (text: string) => void) {
  if (existsSync(join(dir, "generated.json"))) return { generated: false, ms: 0 };
  const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  log(`generating the random-weight export into ${dir} (${GENERATOR}, a few minutes)`);
  const started = performance.now();
  await new Promise<void>((done, fail) => {
    const child = spawn(python, [GENERATOR, dir], { stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", fail);
    child.on("exit", (code) =>
      code === 0
        ? done()
        : fail(new HeadflowError("bad-model", `${GENERATOR} exited with ${code}`)),
    );
  });
  return { generated: true, ms: round(performance.now() - started, 0) };
}

async function graphSizes(dir: string): Promise<Record<string, number>> {
  const names = ["vision_encoder", "embed_tokens", "decoder_model_merged"];
  const out: Record<string, number> = {};
  for (const name of names) {
    for (const suffix of ["", "_quantized"]) {
      const file = `onnx/${name}${suffix}.onnx`;
      out[file] = (await stat(join(dir, file))).size;
    }
  }
  return out;
}

/** The sample image at the explorer's input side (what the app's prepareImage makes). */
async function benchImage(): Promise<NamedImage> {
  const decoded = await decodeImageBytes(new Uint8Array(await readFile(IMAGE)), IMAGE);
  return { ...toModelResolution(decoded, SMOLVLM_256M.longestEdge), name: IMAGE };
}

export async function realScaleBench(options: RealScaleOptions, log: (text: string) => void) {
  const loadAtStart = loadavg().map((x) => round(x, 2));
  const generation = await ensureGenerated(options.dir, log);
  const record: unknown = JSON.parse(await readFile(join(options.dir, "generated.json"), "utf8"));
  const drift = generatedMismatches(SMOLVLM_256M, record);
  if (drift.length > 0)
    throw new HeadflowError(
      "bad-model",
      `${options.dir} is not the table's geometry: ${drift.join("; ")}`,
    );
  const image = await benchImage();
  const small = await decodeImageBytes(new Uint8Array(await readFile(IMAGE)), IMAGE);

  let node: unknown = { skipped: "--real-scale-only browser" };
  if (options.node) {
    const measured = await nodeRealScale(options.dir, image, QUESTION, ABLATED, log);
    const mismatches = geometryMismatches(SMOLVLM_256M, measured.loaded);
    if (mismatches.length > 0)
      throw new HeadflowError(
        "bad-model",
        `the loaded model is not SmolVLM-256M's shape: ${mismatches.join("; ")}`,
      );
    node = measured;
  }
  let browser: unknown = { skipped: "--real-scale-only node" };
  const layout = imageLayout(SMOLVLM_256M);
  const report = async () => ({
    schema: "headflow-real-scale-1",
    command: "npm run bench -- --real-scale",
    createdAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg().map((x) => round(x, 2)),
      node: process.version,
    },
    model: {
      folder: relative(process.cwd(), options.dir) || options.dir,
      generator: GENERATOR,
      generation,
      weights:
        "seeded random; fp32 graphs (Node's dtype order opens them) and q8 `_quantized` graphs (the browser's wasm order opens them)",
      graphBytes: await graphSizes(options.dir),
      geometry: SMOLVLM_256M,
      tiles: layout.tiles,
      tokensPerTile: layout.tokensPerTile,
      imageTokens: layout.imageTokens,
    },
    image: `${IMAGE} at ${image.width}x${image.height} (the explorer's input side)`,
    question: QUESTION,
    baseline: "blank (an export has no reference images for mean)",
    ablatedHead: ABLATED,
    node,
    browser,
  });
  if (options.browser) {
    // Node's figures are kept even if the browser part never returns.
    if (options.node) {
      browser = { pending: "the browser part was running when this was written" };
      await writeFileAtomic(options.out, `${JSON.stringify(await report(), null, 2)}\n`);
    }
    // The page gets the sample at its own size and prepares it as the app does.
    browser = await browserRealScale(
      options.dir,
      small,
      QUESTION,
      ABLATED,
      options.browserMinutes,
      log,
    );
  }
  const final = await report();
  await writeFileAtomic(options.out, `${JSON.stringify(final, null, 2)}\n`);
  log(`wrote ${options.out}`);
  return final;
}
