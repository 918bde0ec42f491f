/**
 * The measurement behind the attribution's stopping rule (src/engine/attribution/stop-rule.ts):
 * how many masks each candidate rule saves on the bundled sample images, and how far the
 * stopped run's head scores are from the full run's and from an independent long run's.
 *
 *   npx tsx scripts/stop-rule.ts [--images N] [--samples 1000,8000] [--truth T]
 *                                [--targets CACHE.json] [--out FILE]
 *
 * For each image (public/samples/sample-*.png, mean baseline, answer-logit target, the
 * model's own answer) it runs the model once on the largest sample count's masks (seed 0)
 * and once on T masks of seed 1 (the "truth" run, independent masks), keeping the targets.
 * Every candidate rule is then replayed through attributeHeads itself on those targets: the
 * masks are drawn again from the seed in the same order, so a replayed run with N samples
 * is exactly the run `headflow attribute --samples N --stop auto` would make (one live run
 * is compared with its replay to show it). Prints one JSON object.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  argmax,
  attribute,
  attributeHeads,
  DEFAULT_ATTRIBUTION,
  DEFAULT_STOP_RULE,
  maskTargets,
  pearson,
  topKOverlap,
  type AttributionSettings,
  type EvaluateMasks,
  type StopRule,
} from "../src/engine";
import { openImage, openModel } from "../src/cli/context";
import { max, min } from "d3";

const { values } = parseArgs({
  options: {
    images: { type: "string", default: "15" },
    samples: { type: "string", default: "1000,8000" },
    truth: { type: "string", default: "8000" },
    targets: { type: "string" },
    out: { type: "string" },
  },
});
const sampleCounts = values.samples.split(",").map(Number);
const longest = max(sampleCounts)!;
const truthCount = Number(values.truth);
const K = 10;

interface ImageTargets {
  image: string;
  answer: string;
  size: number;
  main: number[];
  truth: number[];
}

const folder = "public/samples";
const files = readdirSync(folder)
  .filter((name) => /^sample-\d+\.png$/.test(name))
  .sort()
  .slice(0, Number(values.images));

const cached: ImageTargets[] =
  values.targets && existsSync(values.targets)
    ? (JSON.parse(readFileSync(values.targets, "utf8")) as ImageTargets[])
    : [];
const usable = cached.length >= files.length && cached.every((c) => c.main.length >= longest);
const headflow = await openModel(undefined);
const data: ImageTargets[] = usable ? cached.slice(0, files.length) : [];
if (!usable) {
  for (const file of files) {
    const image = await openImage(join(folder, file));
    const runner = await headflow.runner(image, headflow.prompt(), { kind: "mean" });
    const clean = await runner.run(new Uint8Array(runner.maskSize), 1);
    const answerId = argmax(clean, 0, headflow.vocab);
    const evaluate = maskTargets(runner, answerId, "logit");
    const chunk = (await runner.entersLayers()) ? 8 * DEFAULT_ATTRIBUTION.batchSize : undefined;
    const run = async (samples: number, seed: number) =>
      Array.from(
        (
          await attributeHeads(
            evaluate,
            runner.maskSize,
            { ...DEFAULT_ATTRIBUTION, samples, seed, stop: "off" },
            chunk ? { chunk } : {},
          )
        ).targets,
      );
    const started = performance.now();
    data.push({
      image: file,
      answer: headflow.tokenText(answerId),
      size: runner.maskSize,
      main: await run(longest, 0),
      truth: await run(truthCount, 1),
    });
    process.stderr.write(
      `${file}: ${longest + truthCount} masks in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }
  if (values.targets) writeFileSync(values.targets, JSON.stringify(data));
}

/** The targets of a recorded run, handed out in the order attributeHeads asks for them. */
function replay(targets: number[]): EvaluateMasks {
  let position = 0;
  return async (_masks, count) => {
    const out = Float64Array.from(targets.slice(position, position + count));
    position += count;
    if (out.length !== count) throw new Error("replay ran past the recorded targets");
    return out;
  };
}

const settingsOf = (samples: number, seed: number): AttributionSettings => ({
  ...DEFAULT_ATTRIBUTION,
  samples,
  seed,
  stop: "off",
});

// A live run with the default rule against its replay, on the first image where the rule
// stops early (so the check covers a stop): the replay is the real thing.
let liveCheck: Record<string, unknown> = {};
for (const entry of data) {
  const settings = { ...settingsOf(sampleCounts[0]!, 0), stop: "auto" as const };
  const replayed = await attributeHeads(replay(entry.main), entry.size, settings);
  if (replayed.masks.count === settings.samples && entry !== data.at(-1)) continue;
  const image = await openImage(join(folder, entry.image));
  const live = await attribute(headflow, image, { settings });
  const liveScores = live.scores.flat();
  liveCheck = {
    image: entry.image,
    samples: settings.samples,
    masksUsed: { live: live.stopping?.masksUsed, replay: replayed.masks.count },
    maxAbsScoreDifference: max(liveScores, (s, i) => Math.abs(s - replayed.scores[i]!)),
  };
  break;
}

const candidates: StopRule[] = [];
for (const minOverlap of [0.8, 0.9, 1])
  for (const maxDeltaR of [0.01, 0.02, 0.05])
    for (const window of [2, 3, 4])
      for (const spacing of [1.25, 1.5])
        for (const minMasks of [200, 400])
          candidates.push({ k: K, minOverlap, maxDeltaR, window, spacing, minMasks });

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

// Full runs and the truth, per image and sample count (independent of the rule).
const truthScores = await Promise.all(
  data.map(
    async (d) => (await attributeHeads(replay(d.truth), d.size, settingsOf(truthCount, 1))).scores,
  ),
);
const fullScores = new Map<number, Float64Array[]>();
for (const samples of sampleCounts) {
  fullScores.set(
    samples,
    await Promise.all(
      data.map(
        async (d) => (await attributeHeads(replay(d.main), d.size, settingsOf(samples, 0))).scores,
      ),
    ),
  );
}

interface SampleSummary {
  samples: number;
  masksSaved: number;
  stoppedEarly: number;
  masksUsed: number[];
  vsFull: { meanPearson: number; minPearson: number; meanTop10: number; minTop10: number };
  vsTruth: {
    stoppedMeanPearson: number;
    fullMeanPearson: number;
    stoppedMeanTop10: number;
    fullMeanTop10: number;
  };
}
const rows: { rule: StopRule; perSamples: SampleSummary[] }[] = [];
for (const rule of candidates) {
  const perSamples: SampleSummary[] = [];
  for (const samples of sampleCounts) {
    const used: number[] = [];
    const vsFull: { r: number; top: number }[] = [];
    const vsTruth: { r: number; top: number }[] = [];
    for (let i = 0; i < data.length; i++) {
      const d = data[i]!;
      const run = await attributeHeads(
        replay(d.main),
        d.size,
        { ...settingsOf(samples, 0), stop: "auto" },
        { stopRule: rule },
      );
      used.push(run.masks.count);
      const full = fullScores.get(samples)![i]!;
      vsFull.push({ r: pearson(run.scores, full), top: topKOverlap(run.scores, full, K) });
      vsTruth.push({
        r: pearson(run.scores, truthScores[i]!),
        top: topKOverlap(run.scores, truthScores[i]!, K),
      });
    }
    const fullVsTruth = fullScores.get(samples)!.map((full, i) => ({
      r: pearson(full, truthScores[i]!),
      top: topKOverlap(full, truthScores[i]!, K),
    }));
    perSamples.push({
      samples,
      masksSaved: round(1 - mean(used) / samples),
      stoppedEarly: used.filter((u) => u < samples).length,
      masksUsed: used,
      vsFull: {
        meanPearson: round(mean(vsFull.map((v) => v.r))),
        minPearson: round(min(vsFull.map((v) => v.r))!),
        meanTop10: round(mean(vsFull.map((v) => v.top))),
        minTop10: round(min(vsFull.map((v) => v.top))!),
      },
      vsTruth: {
        stoppedMeanPearson: round(mean(vsTruth.map((v) => v.r))),
        fullMeanPearson: round(mean(fullVsTruth.map((v) => v.r))),
        stoppedMeanTop10: round(mean(vsTruth.map((v) => v.top))),
        fullMeanTop10: round(mean(fullVsTruth.map((v) => v.top))),
      },
    });
  }
  rows.push({ rule, perSamples });
}

/**
 * The choice: the candidate saving the most masks (summed over the sample counts) among
 * those whose stopped runs stay as close to the independent long run as the full runs do:
 * at every sample count, mean Pearson to the truth within 0.01 of the full run's and mean
 * top-10 overlap with the truth within 0.05 of it.
 */
const acceptable = rows.filter((row) =>
  row.perSamples.every(
    (p) =>
      p.vsTruth.stoppedMeanPearson >= p.vsTruth.fullMeanPearson - 0.01 &&
      p.vsTruth.stoppedMeanTop10 >= p.vsTruth.fullMeanTop10 - 0.05,
  ),
);
const saved = (row: (typeof rows)[number]) => row.perSamples.reduce((s, p) => s + p.masksSaved, 0);
acceptable.sort((a, b) => saved(b) - saved(a));
const chosen = acceptable[0] ?? null;
const current = rows.find((row) => JSON.stringify(row.rule) === JSON.stringify(DEFAULT_STOP_RULE));

const report = {
  command: `npx tsx scripts/stop-rule.ts --images ${files.length} --samples ${values.samples} --truth ${truthCount}`,
  model: headflow.modelRef(),
  runtime: headflow.runtime,
  images: data.map((d) => ({ image: d.image, answer: d.answer })),
  settings: {
    alpha: DEFAULT_ATTRIBUTION.alpha,
    holdout: DEFAULT_ATTRIBUTION.holdout,
    ridge: DEFAULT_ATTRIBUTION.ridge,
    baseline: "mean",
    target: "logit",
  },
  truth: {
    samples: truthCount,
    seed: 1,
    note: "an independent run (other seed) with many masks: what a run should get close to",
  },
  liveRunMatchesReplay: liveCheck,
  criterion:
    "most masks saved (summed over sample counts) among rules whose stopped runs are, at every sample count, within 0.01 of the full runs' mean Pearson to the truth and within 0.05 of their mean top-10 overlap with it",
  chosen,
  defaultRule: current ?? null,
  candidates: rows.map((row) => ({
    rule: row.rule,
    perSamples: row.perSamples.map(({ masksUsed: _used, ...rest }) => rest),
  })),
};
const text = `${JSON.stringify(report, null, 2)}\n`;
if (values.out) writeFileSync(values.out, text);
else process.stdout.write(text);
