/** `headflow evaluate`: faithfulness and completeness of four head rankings for one image. */
import { DEFAULT_EVALUATE, evaluate } from "../../engine";
import {
  ATTRIBUTION_OPTIONS,
  ATTRIBUTION_OPTIONS_HELP,
  IMAGE_ANALYSIS_OPTIONS,
  attributionSettings,
  imagePathOf,
  requestFields,
} from "../analysis-options";
import { DEVICE_HELP } from "../device";
import { MODEL_OPTIONS, runImageAnalysis } from "../preamble";
import { integerOption, numberOption, parseOptions, targetOption } from "../options";
import type { CliIo } from "../output";

const e = DEFAULT_EVALUATE;
export const EVALUATE_HELP = `headflow evaluate --image FILE [--random K] [--random-seed S] [--level L]
                 [--baseline mean|blank|image:FILE] [--target logit|logprob|margin] [--answer WORD]
                 [--question Q] [attribution options] [--out FILE] [--model DIR|URL]
  Ranks heads by attribution, attention weight (final token -> image), single-head
  ablation and at random (K orders, seeds S, S+1, ...), and reports faithfulness(k) (only
  the top-k intact) and completeness(k) (the top-k ablated) for k = 0..all heads, scaled
  so all-ablated = 0 and clean = 1, and the smallest k reaching L. Defaults: --random
  ${e.randomRankings} --random-seed ${e.randomSeed} --level ${e.level}.
  Attribution options: ${ATTRIBUTION_OPTIONS_HELP}. ${DEVICE_HELP}.`;

export async function evaluateCommand(
  args: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const options = parseOptions(args, {
    ...IMAGE_ANALYSIS_OPTIONS,
    ...MODEL_OPTIONS,
    baseline: { type: "string" },
    target: { type: "string" },
    random: { type: "string" },
    "random-seed": { type: "string" },
    level: { type: "string" },
    ...ATTRIBUTION_OPTIONS,
  });
  const imagePath = imagePathOf(options);
  const attribution = attributionSettings(options);
  const target = targetOption(options.target);
  const settings = {
    attribution,
    randomRankings: integerOption("random", options.random, e.randomRankings, 0, 1000),
    randomSeed: integerOption("random-seed", options["random-seed"], e.randomSeed, 0, 0xffffffff),
    level: numberOption("level", options.level, e.level),
  };
  return runImageAnalysis(io, options, {
    label: "evaluate",
    imagePath,
    signal,
    baseline: options.baseline,
    run: ({ headflow, image, baseline, bar }) =>
      evaluate(headflow, image, {
        settings,
        baseline,
        target,
        ...requestFields(options, signal),
        onProgress: (stage, done, total) => bar.update(done, total, stage),
      }),
  });
}
