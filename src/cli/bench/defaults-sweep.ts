/**
 * `headflow bench --defaults`: the measurement behind DEFAULT_ATTRIBUTION's samples and
 * alpha. For each image, alpha and seed it evaluates N_max masks once; because masks are
 * drawn in sequence, the first N of them are exactly the masks an N-sample run draws, so
 * every N is fitted from one pass. Reported per (alpha, N), as medians over images:
 *  - heldOutR: Pearson r of predicted vs actual targets on a fixed held-out set (the
 *    held-out masks of the N_max run), so the r of small N is not itself noisy;
 *  - seedAgreement: Pearson r between the scores of two seeds (how reproducible the
 *    ranking is: the estimate's precision, which r alone does not show).
 */
import {
  isHeldOut,
  maskRow,
  maxOf,
  minOf,
  pearson,
  predict,
  RidgeAccumulator,
  sampleMasks,
  targetValue,
  argmax,
  DEFAULT_ATTRIBUTION,
  type BaselineSpec,
  type Headflow,
  type NamedImage,
} from "../../engine";
import { median, round } from "./stats";

export interface SweepOptions {
  /** The question measured; default: the main-object question. */
  question?: string;
  alphas: number[];
  sizes: number[];
  seeds: [number, number];
  batchSize: number;
}

export const DEFAULT_SWEEP: SweepOptions = {
  alphas: [0.025, 0.05, 0.1, 0.2, 0.3],
  sizes: [125, 250, 500, 1000, 2000],
  seeds: [1, 2],
  batchSize: DEFAULT_ATTRIBUTION.batchSize,
};

interface Cell {
  alpha: number;
  samples: number;
  heldOutR: number[];
  seedAgreement: number[];
}

export async function sweepDefaults(
  headflow: Headflow,
  images: NamedImage[],
  baseline: BaselineSpec,
  options: SweepOptions,
  log: (text: string) => void,
) {
  const { holdout, ridge } = DEFAULT_ATTRIBUTION;
  const prompt = headflow.prompt(options.question);
  const vocab = headflow.bundle.manifest.vocabSize;
  const nMax = maxOf(options.sizes);
  const cells = new Map<string, Cell>();
  const cell = (alpha: number, samples: number) => {
    const key = `${alpha}|${samples}`;
    if (!cells.has(key)) cells.set(key, { alpha, samples, heldOutR: [], seedAgreement: [] });
    return cells.get(key)!;
  };
  for (const image of images) {
    const runner = await headflow.runner(image, prompt, baseline);
    const size = runner.maskSize;
    const clean = await runner.run(new Uint8Array(size), 1);
    const answer = argmax(clean, 0, vocab);
    for (const alpha of options.alphas) {
      log(`${image.name}: alpha ${alpha}`);
      const scoresBySeed: Map<number, Float64Array>[] = [];
      for (const seed of options.seeds) {
        const masks = sampleMasks(nMax, size, alpha, seed);
        const logits = await runner.run(masks.bits, nMax, { batchSize: options.batchSize });
        const targets = Float64Array.from({ length: nMax }, (_, i) =>
          targetValue(logits, i, vocab, answer, "logit"),
        );
        const heldOut = Array.from({ length: nMax }, (_, i) => i).filter((i) =>
          isHeldOut(i, holdout),
        );
        const scores = new Map<number, Float64Array>();
        for (const samples of options.sizes) {
          const accumulator = new RidgeAccumulator(size);
          for (let i = 0; i < samples; i++)
            if (!isHeldOut(i, holdout)) accumulator.add(maskRow(masks, i), targets[i]!);
          const fit = accumulator.solve(ridge);
          const r = pearson(
            heldOut.map((i) => predict(fit, maskRow(masks, i))),
            heldOut.map((i) => targets[i]!),
          );
          if (Number.isFinite(r)) cell(alpha, samples).heldOutR.push(r);
          scores.set(
            samples,
            Float64Array.from(fit.weights, (w) => -w),
          );
        }
        scoresBySeed.push(scores);
      }
      for (const samples of options.sizes) {
        const agreement = pearson(scoresBySeed[0]!.get(samples)!, scoresBySeed[1]!.get(samples)!);
        if (Number.isFinite(agreement)) cell(alpha, samples).seedAgreement.push(agreement);
      }
    }
  }
  return {
    question: prompt.question,
    images: images.map((i) => i.name),
    baseline: baseline.kind,
    holdout,
    ridge,
    heldOutMasks: Math.round(nMax * holdout),
    grid: [...cells.values()].map((c) => ({
      alpha: c.alpha,
      samples: c.samples,
      heldOutR: round(median(c.heldOutR), 4),
      heldOutRMin: round(minOf(c.heldOutR), 4),
      seedAgreement: round(median(c.seedAgreement), 4),
      seedAgreementMin: round(minOf(c.seedAgreement), 4),
    })),
  };
}
