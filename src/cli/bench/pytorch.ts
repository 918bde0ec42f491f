/**
 * The PyTorch comparison of `headflow bench`: the same attribution (same weights, masks,
 * fit) computed by training/reference_attribution.py, timed in its own process, compared
 * with the engine's scores by Pearson r and by wall time.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  BLANK_GRAY,
  DEFAULT_ATTRIBUTION,
  Headflow,
  maxOf,
  normalisationOf,
  pearson,
  sampleMasks,
  solidImage,
  targetValue,
  toPixelValues,
  type BaselineSpec,
  type NamedImage,
  type Prompt,
  type RgbaImage,
  attribute,
} from "../../engine";
import { decodeImageBytes, nodeImageDecoder } from "../../engine/node";
import { median, round } from "./stats";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(
  new URL("../../../training/reference_attribution.py", import.meta.url),
);

export async function compareWithPytorch(
  headflow: Headflow,
  image: NamedImage,
  prompt: Prompt,
  baseline: BaselineSpec,
  options: { samples: number; repeats: number; modelLocation: string },
  log: (text: string) => void,
): Promise<unknown> {
  if (!existsSync(PYTHON) || !existsSync(SCRIPT))
    return { skipped: `needs ${PYTHON} and ${SCRIPT}` };
  if (/^https?:\/\//.test(options.modelLocation)) {
    return { skipped: "the model is a URL: the reference needs the bundle's folder" };
  }
  const settings = { ...DEFAULT_ATTRIBUTION, samples: options.samples };
  const engineRuns = [];
  for (let r = 0; r < options.repeats; r++) {
    // A fresh engine each time, so its baseline is computed inside the timing, as the
    // reference computes its own.
    const fresh = new Headflow(headflow.bundle, nodeImageDecoder, "onnxruntime-node (cpu)");
    engineRuns.push(await attribute(fresh, image, { baseline, settings }));
  }
  const engine = engineRuns[engineRuns.length - 1]!;
  const norm = normalisationOf(headflow.bundle);
  const baselineImages = await baselinePixels(headflow, baseline);
  const folder = mkdtempSync(join(tmpdir(), "headflow-pytorch-"));
  try {
    const job = {
      model_dir: resolve(options.modelLocation),
      input_ids: prompt.ids,
      image_range: [prompt.imageStart, prompt.imageEnd],
      pixel_values: Array.from(toPixelValues(image, norm)),
      baseline_pixel_values: baselineImages.map((img) => Array.from(toPixelValues(img, norm))),
      samples: settings.samples,
      alpha: settings.alpha,
      seed: settings.seed,
      holdout: settings.holdout,
      ridge: settings.ridge,
      batch_size: settings.batchSize,
      answer_id: engine.answer.id,
      target: engine.target,
      repeats: options.repeats,
    };
    writeFileSync(join(folder, "job.json"), JSON.stringify(job));
    log(`running ${SCRIPT}`);
    try {
      // As many torch threads as the engine's runtime uses (one per core).
      const args = [
        "--job",
        join(folder, "job.json"),
        "--out",
        join(folder, "out.json"),
        "--threads",
        String(cpus().length),
      ];
      await promisify(execFile)(PYTHON, [SCRIPT, ...args], {
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      return { skipped: `reference failed: ${stderr.trim().split("\n").slice(-1)[0]}` };
    }
    const reference = JSON.parse(readFileSync(join(folder, "out.json"), "utf8")) as {
      scores: number[];
      targets: number[];
      heldOutR: number | null;
      timings: { runsTotalMs: number[]; masksMs: number };
      parityMaxDiff: number;
      torch: string;
      threads: number;
    };
    const engineScores = engine.scores.flat();
    // Per-mask agreement: the engine's targets for the very masks the reference drew.
    const runner = await headflow.runner(image, prompt, baseline);
    const masks = sampleMasks(settings.samples, runner.maskSize, settings.alpha, settings.seed);
    const logits = await runner.run(masks.bits, masks.count, { batchSize: settings.batchSize });
    const vocab = headflow.bundle.manifest.vocabSize;
    let maxTargetDiff = 0;
    reference.targets.forEach((target, i) => {
      const mine = targetValue(logits, i, vocab, engine.answer.id, engine.target);
      maxTargetDiff = Math.max(maxTargetDiff, Math.abs(mine - target));
    });
    const engineMs = median(engineRuns.map((r) => r.timings.totalMs));
    const torchMs = median(reference.timings.runsTotalMs);
    return {
      script: "training/reference_attribution.py",
      torch: reference.torch,
      torchThreads: reference.threads,
      weightsCheck: `clean logits within ${reference.parityMaxDiff.toExponential(1)} of parity.json`,
      samples: settings.samples,
      batchSize: settings.batchSize,
      maxAbsTargetDifference: maxTargetDiff,
      scoresPearson: pearson(engineScores, reference.scores),
      maxAbsScoreDifference: maxOf(engineScores.map((s, i) => Math.abs(s - reference.scores[i]!))),
      heldOutR: { engine: engine.fit.heldOutR, pytorch: reference.heldOutR },
      wallMs: { engine: round(engineMs, 1), pytorch: round(torchMs, 1) },
      engineSpeedup: round(torchMs / engineMs, 2),
      note: "wall time of one attribution after model load: baseline + image + all masks + fit; medians of repeats",
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function baselinePixels(headflow: Headflow, spec: BaselineSpec): Promise<RgbaImage[]> {
  if (spec.kind === "blank") return [solidImage(headflow.bundle.manifest.image.size, BLANK_GRAY)];
  if (spec.kind === "image") return [spec.image];
  const { manifest, read } = headflow.bundle;
  return Promise.all(
    manifest.reference.map(async (path) => decodeImageBytes(await read(path), path)),
  );
}
