/**
 * Checks the heatmap's standard errors (src/engine/attribution/coefficient-se.ts) on the real model:
 * for one image, runs the attribution with many seeds (independent mask sets) and compares
 * each head's mean estimated SE with the spread (SD) of its score over the seeds. A
 * well-calibrated SE gives ratios near 1.
 *
 *   npx tsx scripts/se-calibration.ts [image] [seeds] [samples]
 *
 * Prints one JSON object (ratio quantiles over heads, per estimator).
 */
import {
  attributeHeads,
  DEFAULT_ATTRIBUTION,
  coefficientStandardErrors,
  type CovarianceEstimator,
  maskTargets,
  argmax,
} from "../src/engine";
import { openImage, openModel } from "../src/cli/context";

const [imagePath = "public/samples/sample-00.png", seedsText = "20", samplesText = "1000"] =
  process.argv.slice(2);
const seeds = Number(seedsText);
const samples = Number(samplesText);
const estimators: CovarianceEstimator[] = ["hc3", "hc1", "classic"];

const headflow = await openModel(undefined);
const image = await openImage(imagePath);
const runner = await headflow.runner(image, headflow.prompt(), { kind: "mean" });
const clean = await runner.run(new Uint8Array(runner.maskSize), 1);
const evaluate = maskTargets(runner, argmax(clean, 0, headflow.vocab), "logit");

const scores: Float64Array[] = [];
const errors = new Map<CovarianceEstimator, Float64Array[]>(estimators.map((e) => [e, []]));
for (let seed = 0; seed < seeds; seed++) {
  const settings = { ...DEFAULT_ATTRIBUTION, samples, seed };
  const run = await attributeHeads(evaluate, runner.maskSize, settings);
  scores.push(run.scores);
  for (const estimator of estimators) {
    errors
      .get(estimator)!
      .push(coefficientStandardErrors(run.masks, run.targets, { ...settings, estimator }));
  }
  process.stderr.write(`seed ${seed + 1}/${seeds}\r`);
}

const size = runner.maskSize;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sd = (values: number[]) => {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
};
const spread = Array.from({ length: size }, (_, k) => sd(scores.map((s) => s[k]!)));
const quantile = (sorted: number[], q: number) => sorted[Math.round(q * (sorted.length - 1))]!;
const report: Record<string, unknown> = {
  image: imagePath,
  seeds,
  samples,
  alpha: DEFAULT_ATTRIBUTION.alpha,
};
for (const estimator of estimators) {
  const ratios = Array.from(
    { length: size },
    (_, k) => mean(errors.get(estimator)!.map((e) => e[k]!)) / spread[k]!,
  ).sort((a, b) => a - b);
  report[estimator] = {
    medianRatio: quantile(ratios, 0.5),
    p10: quantile(ratios, 0.1),
    p90: quantile(ratios, 0.9),
  };
}
console.log(JSON.stringify(report, null, 2));
