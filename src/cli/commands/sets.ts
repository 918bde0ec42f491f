/** `headflow sets`: attribution over labelled image sets, with shards (`merge` joins them). */
import {
  DEFAULT_PERMUTATIONS,
  HeadflowError,
  parseShard,
  parseBaselineArg,
  runSets,
} from "../../engine";
import {
  ATTRIBUTION_OPTIONS,
  ATTRIBUTION_OPTIONS_HELP,
  attributionSettings,
  emitResult,
  requestFields,
} from "../analysis-options";
import { openBaseline, openImage } from "../context";
import { DEVICE_HELP } from "../device";
import { SetsJob } from "../job/sets-job";
import { integerOption, parseOptions, targetOption } from "../options";
import type { CliIo } from "../output";
import { MODEL_OPTIONS, openCommandModel } from "../preamble";
import { JobProgress } from "../progress";
import { readSetList } from "../set-list";

export const SETS_HELP = `headflow sets --list FILE | --set DIR [--set DIR...] [--shard I/N] [--job-dir DIR]
             [--permutations P] [--permutation-seed S] [--baseline mean|blank|image:FILE]
             [--target logit|logprob|margin] [--question Q] [attribution options] [--out FILE]
             [--model DIR|URL] [--device D]
  Attributes every image (the same mask seed for all), then per set the mean and standard
  error of every head's score, the image x image Pearson similarity of the score vectors,
  and the semantic-vs-appearance test: mean similarity of same-category/different-style
  pairs minus that of same-style/different-category pairs, with a one-sided permutation
  p-value (P = ${DEFAULT_PERMUTATIONS} label shuffles, seed S = 0). --list: a JSON list of {file, set?,
  category?, style?}; --set DIR: the folder is a set, labels from DIR/labels.json.
  --shard I/N (1-based) runs the I-th of N contiguous parts; \`headflow merge\` joins the
  parts into exactly the single run's result.
  --job-dir DIR makes the run resumable: each image's result is written to DIR/images/ as
  soon as it is done, a re-run skips images already done (same model, image bytes and
  settings; anything else is recomputed), DIR/state/shard-I-of-N.json follows the progress
  (\`headflow status DIR\`), and the shard's result goes to DIR/shard-I-of-N.json.
  Progress: a bar with ETA on a terminal, else one JSON line per image on stderr.
  Attribution options: ${ATTRIBUTION_OPTIONS_HELP}. ${DEVICE_HELP}.`;

export async function setsCommand(
  args: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const options = parseOptions(args, {
    list: { type: "string" },
    set: { type: "string", multiple: true },
    shard: { type: "string" },
    "job-dir": { type: "string" },
    permutations: { type: "string" },
    "permutation-seed": { type: "string" },
    question: { type: "string" },
    baseline: { type: "string" },
    target: { type: "string" },
    out: { type: "string" },
    ...MODEL_OPTIONS,
    ...ATTRIBUTION_OPTIONS,
  });
  const settings = attributionSettings(options);
  const target = targetOption(options.target);
  const shard = options.shard !== undefined ? parseShard(options.shard) : undefined;
  const permutations = integerOption(
    "permutations",
    options.permutations,
    DEFAULT_PERMUTATIONS,
    0,
    10_000_000,
  );
  const permutationSeed = integerOption(
    "permutation-seed",
    options["permutation-seed"],
    0,
    0,
    0xffffffff,
  );
  const jobDir = options["job-dir"];
  if (jobDir !== undefined && jobDir.trim() === "")
    throw new HeadflowError("bad-argument", "--job-dir needs a folder");
  const list = await readSetList(options.list, options.set ?? []);
  const headflow = await openCommandModel(options, signal);
  const baseline = await openBaseline(options.baseline);
  const progress = new JobProgress(io, "sets", shard);
  const job =
    jobDir === undefined
      ? null
      : await SetsJob.open({
          dir: jobDir,
          shard: shard ?? { index: 1, count: 1 },
          entries: list.entries,
          paths: list.paths,
          baselinePath: baselineFile(options.baseline),
          onRecompute: (index, file, why) =>
            progress.note("recompute", { index, file, why }, `recomputing ${file}: ${why}`),
        });
  let result;
  try {
    result = await runSets(
      headflow,
      list.entries,
      (_entry, index) => openImage(list.paths[index]!),
      {
        settings,
        baseline,
        target,
        permutations,
        permutationSeed,
        ...(shard ? { shard } : {}),
        ...requestFields(options, signal),
        ...(job ? { store: job.store, onStart: job.begin } : {}),
        onImage: (done, total, file, reused) => progress.image(done, total, file, reused),
      },
    );
  } finally {
    progress.done();
  }
  if (job) await job.finish(result);
  if (job === null || options.out !== undefined) await emitResult(io, options.out, result);
  return 0;
}

/** The file of an `image:FILE` baseline, which goes into each stored image's key. */
function baselineFile(text: string | undefined): string | null {
  const parsed = parseBaselineArg(text ?? "mean");
  return parsed.kind === "image" ? parsed.path : null;
}
