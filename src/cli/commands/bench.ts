/**
 * `headflow bench` (`npm run bench`): JSON figures for the engine's performance claims.
 * Every ratio is measured within one process on the same masks; figures are medians of
 * repeats. Nothing here asserts a time: this prints, tests test.
 */
import { readdir } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import {
  BENCH_SCHEMA,
  DEFAULT_ATTRIBUTION,
  Headflow,
  HeadflowError,
  normalisationOf,
  sampleMasks,
  toPixelValues,
  type BaselineSpec,
  type NamedImage,
  attribute,
} from "../../engine";
import { NODE_SESSION_OPTIONS, nodeImageDecoder, ort } from "../../engine/node";
import { DEFAULT_SWEEP, sweepDefaults } from "../bench/defaults-sweep";
import { decoderFlops } from "../bench/flops";
import { measureMatmul, measureMatmulPeak } from "../bench/matmul-peak";
import { naiveMaskLogits } from "../bench/naive";
import { isSceneSplit, readSceneSplit } from "../bench/scene-split";
import { compareWithPytorch } from "../bench/pytorch";
import { browserTimings } from "../bench/browser";
import { median, round, timed } from "../bench/stats";
import { DEFAULT_MODEL, openBaseline, openImage, openModel } from "../context";
import { integerOption, numberOption, parseOptions } from "../options";
import { checkWritableTarget, printJson, writeFileAtomic, type CliIo } from "../output";

export const BENCH_HELP = `headflow bench [--masks N] [--repeats R] [--samples N] [--batch B] [--image FILE]
              [--baseline mean|blank|image:FILE] [--pytorch auto|off] [--threads T]
              [--browser] [--browser-repeats R] [--out FILE] [--model DIR|URL]
headflow bench --defaults --images DIR|SPLIT [--question Q] [--alphas A,B,...] [--baseline B] [--out FILE]
               [--model DIR|URL]
  Measures: key/value reuse + batching vs naive recomputation (same masks, same runtime);
  one default attribution's wall time and achieved GFLOP/s vs the measured fp32 matmul
  peak; and, with --pytorch auto (default), the PyTorch reference attribution
  (training/reference_attribution.py) on the same weights and masks. --threads: the
  onnxruntime intra-op threads of every path (default: onnxruntime's, one per core).
  --browser: also the wall time of default attributions in headless Chromium, wasm and
  WebGPU, through the app's inference worker (src/cli/bench/browser.ts); --browser-repeats
  (default 2: the first also computes the baseline, the rest are the figure).
  --defaults: held-out r and seed agreement over a grid of samples x alpha on the images
  in DIR, or on 8 scenes of a generator split such as training/data/out/heldout (the
  measurement behind the attribution defaults; see src/engine/README.md).`;

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
    out: { type: "string" },
    model: { type: "string" },
    defaults: { type: "boolean" },
    images: { type: "string" },
    question: { type: "string" },
    alphas: { type: "string" },
  });
  if (options.defaults) return defaultsCommand(options, io);
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
  // The same model without layer entry: the whole decoder for every mask, as before it.
  const wholeDecoder = await openModel(options.model, { sessionOptions, layerEntry: false });
  const image =
    options.image !== undefined ? await openImage(options.image) : await defaultImage(headflow);
  const baseline = await benchBaseline(headflow, options.baseline);
  const prompt = headflow.prompt();
  const session = headflow.bundle.session;
  const { layers, heads } = headflow.bundle.manifest;
  const baselineKv = await headflow.baseline(
    baseline,
    await headflow.prefill(image, prompt),
    image,
  );
  const pixels = toPixelValues(image, normalisationOf(headflow.bundle));
  const masks = sampleMasks(maskCount, layers * heads, DEFAULT_ATTRIBUTION.alpha, 1);

  log(`key/value reuse vs naive on ${maskCount} masks, ${repeats} repeats`);
  // Warm every path up (first runs of a shape allocate, the first layer-entry run builds
  // its graphs), so none pays it in the timings.
  await (await headflow.runner(image, prompt, baseline)).run(masks.bits, maskCount, { batchSize });
  await (
    await wholeDecoder.runner(image, prompt, baseline)
  ).run(masks.bits, Math.min(maskCount, batchSize), { batchSize });
  await naiveMaskLogits(session, prompt, pixels, baselineKv, masks.bits, 1);
  const kvTimes: number[] = [];
  const wholeTimes: number[] = [];
  const naiveTimes: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const wholeRatios: number[] = [];
  const wholeCpuRatios: number[] = [];
  let maxDiff = 0;
  let maxWholeDiff = 0;
  const kvRun = (model: Headflow) =>
    timed(async () => {
      const runner = await model.runner(image, prompt, baseline);
      return runner.run(masks.bits, maskCount, { batchSize });
    });
  for (let r = 0; r < repeats; r++) {
    // Interleaved, so a change in the machine's load hits all three alike.
    const kv = await kvRun(headflow);
    const naive = await timed(() =>
      naiveMaskLogits(session, prompt, pixels, baselineKv, masks.bits, maskCount),
    );
    const whole = await kvRun(wholeDecoder);
    kvTimes.push(kv.ms / maskCount);
    wholeTimes.push(whole.ms / maskCount);
    naiveTimes.push(naive.ms / maskCount);
    ratios.push(naive.ms / kv.ms);
    cpuRatios.push(naive.cpuMs / kv.cpuMs);
    wholeRatios.push(naive.ms / whole.ms);
    wholeCpuRatios.push(naive.cpuMs / whole.cpuMs);
    for (let i = 0; i < kv.value.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(kv.value[i]! - naive.value[i]!));
      maxWholeDiff = Math.max(maxWholeDiff, Math.abs(whole.value[i]! - naive.value[i]!));
    }
  }
  const entersLayers = await (await headflow.runner(image, prompt, baseline)).entersLayers();

  log("batch size sweep");
  const runner = await headflow.runner(image, prompt, baseline);
  const batchSweep = [];
  for (const batch of [1, 8, 16, 32, 64, 128]) {
    await runner.run(masks.bits, Math.min(maskCount, batch), { batchSize: batch }); // warm-up this shape
    const times: number[] = [];
    for (let r = 0; r < repeats; r++)
      times.push((await timed(() => runner.run(masks.bits, maskCount, { batchSize: batch }))).ms);
    batchSweep.push({ batch, msPerMask: round(median(times) / maskCount, 4) });
  }

  log(`default attribution (${samples} samples), ${repeats} repeats`);
  // The baseline is computed once per model and prompt prefix, then cached: time it apart.
  const baselineTimes: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const fresh = new Headflow(headflow.bundle, nodeImageDecoder);
    const clean = await fresh.prefill(image, prompt);
    baselineTimes.push((await timed(() => fresh.baseline(baseline, clean, image))).ms);
  }
  const attributions = [];
  for (let r = 0; r < repeats; r++) {
    attributions.push(
      await attribute(headflow, image, { baseline, settings: { samples, batchSize } }),
    );
  }
  const wall = median(attributions.map((a) => a.timings.totalMs));
  const last = attributions[attributions.length - 1]!;
  const shape = {
    layers,
    hiddenSize: headflow.bundle.manifest.hiddenSize,
    intermediateSize:
      headflow.bundle.config.text_config.intermediate_size ??
      4 * headflow.bundle.manifest.hiddenSize,
    vocabSize: headflow.bundle.manifest.vocabSize,
  };
  const suffixLength = prompt.ids.length - prompt.imageEnd;
  const flopsPerMask = decoderFlops(shape, prompt.imageEnd, suffixLength);
  // With layer entry each mask runs the layers from its first ablated one (none: no run).
  const attributionMasks = sampleMasks(
    samples,
    layers * heads,
    last.settings.alpha,
    last.settings.seed,
  );
  const firstLayers = Array.from({ length: samples }, (_, i) => {
    const first = attributionMasks.bits.subarray(i * layers * heads, (i + 1) * layers * heads);
    const index = first.indexOf(1);
    return index < 0 ? layers : Math.floor(index / heads);
  });
  const maskFlops = firstLayers.reduce(
    (sum, from) =>
      sum +
      (!entersLayers
        ? flopsPerMask
        : from < layers
          ? decoderFlops(shape, prompt.imageEnd, suffixLength, from, true)
          : 0),
    0,
  );
  // Prefill of the image plus the clean run, then every mask's suffix run.
  const attributionFlops = decoderFlops(shape, 0, prompt.imageEnd) + flopsPerMask + maskFlops;
  const achieved = attributionFlops / (wall / 1000) / 1e9;

  log("fp32 matmul peak");
  const peak = await measureMatmulPeak(ort, NODE_SESSION_OPTIONS);
  // The decoder's own matmul shapes at the attribution's batch (rows = batch x suffix
  // tokens): what these small matrices can reach, beside the square peak.
  const rows = batchSize * suffixLength;
  const { hiddenSize: d } = headflow.bundle.manifest;
  const decoderShapes: [number, number, number][] = [
    [rows, d, 3 * d],
    [rows, d, shape.intermediateSize],
    [rows, shape.intermediateSize, d],
  ];
  const atDecoderShapes = [];
  for (const s of decoderShapes)
    atDecoderShapes.push(await measureMatmul(ort, NODE_SESSION_OPTIONS, s));
  // The peak: the fastest rate seen at any shape.
  const peakGflops = Math.max(peak.gflops, ...atDecoderShapes.map((r) => r.gflops));

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
    baseline: last.baseline,
    promptTokens: prompt.ids.length,
    suffixTokens: suffixLength,
    kvReuseVsNaive: {
      masks: maskCount,
      batchSize,
      repeats,
      threads: threads ?? "onnxruntime default",
      layerEntry: entersLayers,
      kvMsPerMask: round(median(kvTimes), 4),
      naiveMsPerMask: round(median(naiveTimes), 4),
      speedup: round(median(ratios), 2),
      speedups: ratios.map((x) => round(x, 2)),
      cpuTimeSpeedup: round(median(cpuRatios), 2),
      cpuTimeSpeedups: cpuRatios.map((x) => round(x, 2)),
      maxAbsLogitDifference: maxDiff,
      wholeDecoder: {
        kvMsPerMask: round(median(wholeTimes), 4),
        speedup: round(median(wholeRatios), 2),
        speedups: wholeRatios.map((x) => round(x, 2)),
        cpuTimeSpeedup: round(median(wholeCpuRatios), 2),
        cpuTimeSpeedups: wholeCpuRatios.map((x) => round(x, 2)),
        maxAbsLogitDifference: maxWholeDiff,
      },
      note: "kv: prefill once + batched suffix runs over the reused cache (includes the prefill), each mask entering the decoder at its first ablated layer; wholeDecoder: the same without layer entry; naive: vision encoder + prefix/image + suffix for every mask, batch 1",
    },
    batchSweep,
    attribution: {
      samples,
      alpha: last.settings.alpha,
      batchSize,
      wallMs: round(wall, 1),
      wallMsRuns: attributions.map((a) => round(a.timings.totalMs, 1)),
      baselineOnceMs: round(median(baselineTimes), 1),
      note: "wall time with the baseline already cached (an interactive session after its first run); baselineOnceMs is the one-off cost of the baseline",
      masksPerSecond: round(samples / (wall / 1000), 1),
      heldOutR: last.fit.heldOutR,
      matmulFlopsPerMask: round(maskFlops / samples, 0),
      matmulFlopsPerMaskWholeDecoder: flopsPerMask,
      gflops: round(achieved, 2),
    },
    matmulPeak: { gflops: peakGflops, squares: peak.bySize, atDecoderShapes },
    peakFraction: round(achieved / peakGflops, 3),
    pytorch,
    browser,
  };
  if (options.out !== undefined)
    await writeFileAtomic(options.out, `${JSON.stringify(report, null, 2)}\n`);
  printJson(io, report);
  return 0;
}

/** `--baseline`, else `mean` when the bundle has reference images, else `blank`. */
async function benchBaseline(headflow: Headflow, text: string | undefined): Promise<BaselineSpec> {
  if (text !== undefined) return openBaseline(text);
  return headflow.bundle.manifest.reference.length > 0 ? { kind: "mean" } : { kind: "blank" };
}

/** A fixed image: the first reference image, else the first parity fixture, else seeded noise. */
async function defaultImage(headflow: Headflow): Promise<NamedImage> {
  const { manifest, read } = headflow.bundle;
  const size = manifest.image.size;
  const reference = manifest.reference[0];
  if (reference !== undefined) {
    const { decodeImageBytes } = await import("../../engine/node");
    return decodeImageBytes(await read(reference), reference);
  }
  try {
    const parity = JSON.parse(new TextDecoder().decode(await read("parity.json"))) as {
      cases?: { name: string; pixels_u8?: number[] }[];
    };
    const first = parity.cases?.find((c) => c.pixels_u8?.length === size * size * 3);
    if (first?.pixels_u8) return rgbImage(first.pixels_u8, size, `parity:${first.name}`);
  } catch {
    // fall through to noise
  }
  let state = 1;
  const noise = Array.from(
    { length: size * size * 3 },
    () => (state = (state * 1103515245 + 12345) % 2 ** 31) % 256,
  );
  return rgbImage(noise, size, "noise");
}

function rgbImage(rgb: number[], size: number, name: string): NamedImage {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++)
    data.set([rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!, 255], 4 * i);
  return { name, width: size, height: size, data };
}

async function defaultsCommand(
  options: {
    images?: string;
    baseline?: string;
    out?: string;
    model?: string;
    batch?: string;
    question?: string;
    alphas?: string;
  },
  io: CliIo,
): Promise<number> {
  if (options.images === undefined)
    throw new HeadflowError("bad-argument", "--defaults needs --images DIR");
  if (options.out !== undefined) await checkWritableTarget(options.out);
  const headflow = await openModel(options.model);
  const images = await sweepImages(options.images, 8);
  const alphas =
    options.alphas === undefined
      ? DEFAULT_SWEEP.alphas
      : options.alphas.split(",").map((a) => numberOption("alphas", a.trim(), 0));
  const baseline = await benchBaseline(headflow, options.baseline);
  const batchSize = integerOption("batch", options.batch, DEFAULT_ATTRIBUTION.batchSize, 1, 4096);
  const result = {
    schema: "headflow.defaults-sweep/1",
    createdAt: new Date().toISOString(),
    model: headflow.modelRef(),
    ...(await sweepDefaults(
      headflow,
      images,
      baseline,
      {
        ...DEFAULT_SWEEP,
        alphas,
        batchSize,
        ...(options.question !== undefined ? { question: options.question } : {}),
      },
      (t) => io.stderr(`bench: ${t}\n`),
    )),
  };
  if (options.out !== undefined)
    await writeFileAtomic(options.out, `${JSON.stringify(result, null, 2)}\n`);
  printJson(io, result);
  return 0;
}

/** A folder of image files, or a scene-generator split (first scene of each category). */
async function sweepImages(folder: string, count: number): Promise<NamedImage[]> {
  if (await isSceneSplit(folder)) return readSceneSplit(folder, count);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw new HeadflowError(
      "bad-argument",
      `cannot read folder ${folder}: ${(error as Error).message}`,
    );
  }
  const files = names.filter((n) => /\.(png|jpe?g|webp|gif)$/i.test(n)).sort();
  if (files.length === 0) throw new HeadflowError("bad-argument", `no images in ${folder}`);
  return Promise.all(files.map((n) => openImage(join(folder, n))));
}
