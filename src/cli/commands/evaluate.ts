/** `headflow evaluate`: faithfulness and completeness of four head rankings for one image. */
import { DEFAULT_EVALUATE, evaluateImage } from "../../engine";
import {
  ATTRIBUTION_OPTIONS,
  ATTRIBUTION_OPTIONS_HELP,
  attributionSettings,
  emitResult,
} from "../analysis-options";
import { openBaseline, openImage, openModel } from "../context";
import { integerOption, numberOption, parseOptions, requireOption, targetOption } from "../options";
import { checkWritableTarget, type CliIo } from "../output";
import { ProgressBar } from "../progress";

const e = DEFAULT_EVALUATE;
export const EVALUATE_HELP = `headflow evaluate --image FILE [--random K] [--random-seed S] [--level L]
                 [--baseline mean|blank|image:FILE] [--target logit|logprob|margin] [--answer WORD]
                 [--question Q] [attribution options] [--out FILE] [--model DIR|URL]
  Ranks heads by attribution, attention weight (final token -> image), single-head
  ablation and at random (K orders, seeds S, S+1, ...), and reports faithfulness(k) (only
  the top-k intact) and completeness(k) (the top-k ablated) for k = 0..all heads, scaled
  so all-ablated = 0 and clean = 1, and the smallest k reaching L. Defaults: --random
  ${e.randomRankings} --random-seed ${e.randomSeed} --level ${e.level}.
  Attribution options: ${ATTRIBUTION_OPTIONS_HELP}.`;

export async function evaluateCommand(
  args: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const options = parseOptions(args, {
    image: { type: "string" },
    question: { type: "string" },
    baseline: { type: "string" },
    target: { type: "string" },
    answer: { type: "string" },
    random: { type: "string" },
    "random-seed": { type: "string" },
    level: { type: "string" },
    out: { type: "string" },
    model: { type: "string" },
    ...ATTRIBUTION_OPTIONS,
  });
  const imagePath = requireOption("image", options.image);
  const attribution = attributionSettings(options);
  const target = targetOption(options.target);
  const settings = {
    attribution,
    randomRankings: integerOption("random", options.random, e.randomRankings, 0, 1000),
    randomSeed: integerOption("random-seed", options["random-seed"], e.randomSeed, 0, 0xffffffff),
    level: numberOption("level", options.level, e.level),
  };
  if (options.out !== undefined) await checkWritableTarget(options.out);
  const headflow = await openModel(options.model);
  headflow.prompt(options.question);
  const baseline = await openBaseline(options.baseline);
  const image = await openImage(imagePath);
  const bar = new ProgressBar(io, "evaluate");
  let result;
  try {
    result = await evaluateImage(headflow, image, {
      settings,
      baseline,
      target,
      ...(options.question !== undefined ? { question: options.question } : {}),
      ...(options.answer !== undefined ? { answer: options.answer } : {}),
      ...(signal ? { signal } : {}),
      onProgress: (stage, done, total) => bar.update(done, total, stage),
    });
  } finally {
    bar.done();
  }
  await emitResult(io, options.out, result);
  return 0;
}
