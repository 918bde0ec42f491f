/** `headflow sets`: attribution over labelled image sets, with shards (`merge` joins them). */
import { DEFAULT_PERMUTATIONS, parseShard, runSets } from "../../engine";
import {
  ATTRIBUTION_OPTIONS,
  ATTRIBUTION_OPTIONS_HELP,
  attributionSettings,
  emitResult,
  openAnalysisModel,
  requestFields,
  withProgress,
} from "../analysis-options";
import { openBaseline, openImage } from "../context";
import { integerOption, parseOptions, targetOption } from "../options";
import type { CliIo } from "../output";
import { readSetList } from "../set-list";

export const SETS_HELP = `headflow sets --list FILE | --set DIR [--set DIR...] [--shard I/N] [--permutations P]
             [--permutation-seed S] [--baseline mean|blank|image:FILE] [--target logit|logprob|margin]
             [--question Q] [attribution options] [--out FILE] [--model DIR|URL]
  Attributes every image (the same mask seed for all), then per set the mean and standard
  error of every head's score, the image x image Pearson similarity of the score vectors,
  and the semantic-vs-appearance test: mean similarity of same-category/different-style
  pairs minus that of same-style/different-category pairs, with a one-sided permutation
  p-value (P = ${DEFAULT_PERMUTATIONS} label shuffles, seed S = 0). --list: a JSON list of {file, set?,
  category?, style?}; --set DIR: the folder is a set, labels from DIR/labels.json.
  --shard I/N (1-based) runs the I-th of N contiguous parts; \`headflow merge\` joins the
  parts into exactly the single run's result.
  Attribution options: ${ATTRIBUTION_OPTIONS_HELP}.`;

export async function setsCommand(
  args: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const options = parseOptions(args, {
    list: { type: "string" },
    set: { type: "string", multiple: true },
    shard: { type: "string" },
    permutations: { type: "string" },
    "permutation-seed": { type: "string" },
    question: { type: "string" },
    baseline: { type: "string" },
    target: { type: "string" },
    out: { type: "string" },
    model: { type: "string" },
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
  const list = await readSetList(options.list, options.set ?? []);
  const headflow = await openAnalysisModel(options);
  const baseline = await openBaseline(options.baseline);
  const result = await withProgress(io, "sets", (bar) =>
    runSets(headflow, list.entries, (_entry, index) => openImage(list.paths[index]!), {
      settings,
      baseline,
      target,
      permutations,
      permutationSeed,
      ...(shard ? { shard } : {}),
      ...requestFields(options, signal),
      onImage: (done, total, file) => bar.update(done, total, file),
    }),
  );
  await emitResult(io, options.out, result);
  return 0;
}
