/**
 * `headflow bench` (`npm run bench`): JSON figures for the engine's performance claims.
 * Every ratio is measured within one process on the same masks; figures are medians of
 * repeats. Nothing here asserts a time: this prints, tests test.
 */
import { cpus, loadavg } from "node:os";
import { createRequire } from "node:module";
import { BENCH_SCHEMA, DEFAULT_ATTRIBUTION, HeadflowError } from "../../engine";
import { NODE_SESSION_OPTIONS, ort } from "../../engine/node";
import { decoderShapeOf, measureAttribution } from "../bench/attribution-wall";
import { measureBatchSweep } from "../bench/batch-sweep";
import { browserTimings } from "../bench/browser";
import { defaultsCommand } from "../bench/defaults-command";
import { decoderFlops } from "../bench/flops";
import { measureKvReuse } from "../bench/kv-reuse";
import { measurePeakWithDecoderShapes } from "../bench/matmul-peak";
import { HALF_B_MODEL, projectJob } from "../bench/projection";
import { compareWithPytorch } from "../bench/pytorch";
import { measureSetsThroughput } from "../bench/sets-throughput";
import { realScaleBench } from "../bench/real-scale";
import { realScaleOptions } from "../bench/real-scale-geometry";
import { benchBaseline, benchSetup, defaultImage } from "../bench/setup";
import { round } from "../bench/stats";
import { DEFAULT_MODEL, openImage, openModel } from "../context";
import { integerOption, parseOptions } from "../options";
import { checkWritableTarget, printJson, writeFileAtomic, type CliIo } from "../output";
export const BENCH_HELP = `headflow bench [--masks N] [--repeats R] [--samples N] [--batch B] [--image FILE]
              [--baseline mean|blank|image:FILE] [--pytorch auto|off] [--threads T]
              [--browser] [--browser-repeats R] [--throughput-images N] [--out FILE] [--model DIR|URL]
headflow bench --defaults --images DIR|SPLIT [--question Q] [--alphas A,B,...] [--baseline B] [--out FILE]
               [--model DIR|URL]
headflow bench --real-scale [--real-scale-dir DIR] [--real-scale-only node|browser]
               [--browser-minutes M] [--out FILE]
  Measures: key/value reuse + batching vs naive recomputation (same masks, same runtime);
  one default attribution's wall time and achieved GFLOP/s vs the measured fp32 matmul
  peak; and, with --pytorch auto (default), the PyTorch reference attribution
  (training/reference_attribution.py) on the same weights and masks. --threads: the
  onnxruntime intra-op threads of every path (default: onnxruntime's, one per core).
  --browser: also the wall time of default attributions in headless Chromium, wasm and
  WebGPU, through the app's inference worker (src/cli/bench/browser.ts); --browser-repeats
  (default 2: the first also computes the baseline, the rest are the figure).
  Throughput: images per hour of real \`headflow sets\` processes over N bundled sample
  images (--throughput-images, default 4; 0 skips) with 1 and 2 processes, and the
  projected time of 5,000 COCO-sized images on a 0.5B model, its arithmetic and
  assumptions written out (src/cli/bench/projection.ts).
  --defaults: held-out r and seed agreement over a grid of samples x alpha on the images
  in DIR, or on 8 scenes of a generator split such as training/data/out/heldout (the
  measurement behind the attribution defaults; see src/engine/README.md).
  --real-scale: a random-weight model of SmolVLM-256M's exact geometry, generated into
  DIR (default .cache/real-scale/smolvlm-256m-random, git-ignored) when absent; load, ask,
  one head ablation and a default 1000-mask attribution in Node and in headless Chromium
  (wasm, the app's workers), with wall times, peak memory and the vision-encode vs mask
  split; the browser part stops after M minutes (default 25) and records how far it got.
  JSON to --out (default docs/measurements/real-scale.json).`;

export async function benchCommand(args: string[], io: CliIo): Promise<number> {
  const options = parseOptions(args, {
    masks: { type: "string" },
    repeats: { type: "string" },
    samples: { type: "string" },
    batch: { type: "string" },
    image: { type: "string" },
    baseline: { type: "string" },
    pytorch: { type: "string" },
    threads: { type: "string" },
    browser: { type: "boolean" },
    "browser-repeats": { type: "string" },
    "throughput-images": { type: "string" },
    out: { type: "string" },
    model: { type: "string" },
    defaults: { type: "boolean" },
    images: { type: "string" },
    question: { type: "string" },
    alphas: { type: "string" },
    "real-scale": { type: "boolean" },
    "real-scale-dir": { type: "string" },
    "real-scale-only": { type: "string" },
    "browser-minutes": { type: "string" },
  });
  if (options.defaults) return defaultsCommand(options, io);
  if (options["real-scale"]) {
    let settings;
    try {
      settings = realScaleOptions(options);
    } catch (error) {
      throw new HeadflowError("bad-argument", (error as Error).message);
    }
    await checkWritableTarget(settings.out);
    printJson(io, await realScaleBench(settings, (text) => io.stderr(`bench: ${text}\n`)));
    return 0;
  }
  const maskCount = integerOption("masks", options.masks, 256, 1, 100_000);
  const repeats = integerOption("repeats", options.repeats, 3, 1, 50);
  const samples = integerOption(
    "samples",
    options.samples,
    DEFAULT_ATTRIBUTION.samples,
    10,
    1_000_000,
  );
  const batchSize = integerOption("batch", options.batch, DEFAULT_ATTRIBUTION.batchSize, 1, 4096);
  const pytorchMode = options.pytorch ?? "auto";
  if (pytorchMode !== "auto" && pytorchMode !== "off") {
    throw new HeadflowError("bad-argument", `--pytorch must be auto or off (got "${pytorchMode}")`);
  }
  const browserRepeats = integerOption("browser-repeats", options["browser-repeats"], 2, 1, 50);
  const throughputImages = integerOption(
    "throughput-images",
    options["throughput-images"],
    4,
    0,
    16,
  );
  const threads =
    options.threads === undefined
      ? undefined
      : integerOption("threads", options.threads, 0, 1, 256);
  if (options.out !== undefined) await checkWritableTarget(options.out);
  const log = (text: string) => io.stderr(`bench: ${text}\n`);

  const sessionOptions = {
    ...NODE_SESSION_OPTIONS,
    ...(threads !== undefined ? { intraOpNumThreads: threads } : {}),
  };
  const headflow = await openModel(options.model, { sessionOptions });
  const wholeDecoder = await openModel(options.model, { sessionOptions, layerEntry: false });
  const image =
    options.image !== undefined ? await openImage(options.image) : await defaultImage(headflow);
  const baseline = await benchBaseline(headflow, options.baseline);
  const setup = await benchSetup(
    headflow,
    wholeDecoder,
    image,
    baseline,
    { maskCount, repeats, batchSize },
    log,
  );
  const { prompt } = setup;
  const suffixLength = prompt.ids.length - prompt.imageEnd;

  const kv = await measureKvReuse(setup, threads);
  const batchSweep = await measureBatchSweep(setup);
  const attribution = await measureAttribution(setup, samples, kv.entersLayers);

  log("fp32 matmul peak");
  const peak = await measurePeakWithDecoderShapes(
    ort,
    NODE_SESSION_OPTIONS,
    decoderShapeOf(headflow),
    batchSize * suffixLength,
  );

  let pytorch: unknown = { skipped: "--pytorch off" };
  if (pytorchMode === "auto") {
    log("PyTorch reference attribution");
    pytorch = await compareWithPytorch(
      headflow,
      image,
      prompt,
      baseline,
      { samples, repeats, modelLocation: options.model ?? DEFAULT_MODEL },
      log,
    );
  }

  let browser: unknown = { skipped: "no --browser" };
  if (options.browser && /^https?:\/\//.test(options.model ?? "")) {
    browser = { skipped: "the model is a URL: the browser bench serves a bundle folder" };
  } else if (options.browser) {
    browser = await browserTimings(
      {
        image,
        repeats: browserRepeats,
        modelDir: options.model ?? DEFAULT_MODEL,
        backends: ["wasm", "webgpu"],
      },
      log,
    );
  }

  let throughput: unknown = { skipped: "--throughput-images 0" };
  if (throughputImages > 0) {
    const sets = await measureSetsThroughput({
      images: throughputImages,
      processes: [1, 2],
      args: [
        "--samples",
        String(samples),
        ...(options.model !== undefined ? ["--model", options.model] : []),
        ...(options.baseline !== undefined ? ["--baseline", options.baseline] : []),
      ],
      log,
    });
    const single = sets.runs[0]!;
    const { layers, heads } = headflow.bundle.manifest;
    // The bundled model's matmul FLOPs per image, counted as for the target model.
    const measuredImageFlops =
      decoderFlops(decoderShapeOf(headflow), 0, prompt.imageEnd) +
      attribution.figures.matmulFlopsPerMaskWholeDecoder +
      samples * attribution.figures.matmulFlopsPerMask;
    throughput = {
      sets,
      projection: projectJob({
        secondsPerImage: single.secondsPerImagePerProcess,
        measuredImageFlops,
        samples,
        heads: layers * heads,
        alpha: attribution.last.settings.alpha,
        images: 5000,
        target: HALF_B_MODEL,
        nodes: [1, 10, 100],
        gpuTflops: 10,
        gpus: [1, 8, 32],
      }),
    };
  }

  const ortVersion = (
    createRequire(import.meta.url)("onnxruntime-node/package.json") as { version: string }
  ).version;
  const report = {
    schema: BENCH_SCHEMA,
    createdAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      loadAverage: loadavg().map((x) => round(x, 2)),
      node: process.version,
      runtime: `onnxruntime-node ${ortVersion} (cpu)`,
    },
    model: headflow.modelRef(),
    image: image.name,
    baseline: attribution.last.baseline,
    promptTokens: prompt.ids.length,
    suffixTokens: suffixLength,
    kvReuseVsNaive: kv.figures,
    batchSweep,
    attribution: attribution.figures,
    matmulPeak: peak,
    peakFraction: round(attribution.achievedGflops / peak.gflops, 3),
    pytorch,
    browser,
    throughput,
  };
  if (options.out !== undefined)
    await writeFileAtomic(options.out, `${JSON.stringify(report, null, 2)}\n`);
  printJson(io, report);
  return 0;
}
