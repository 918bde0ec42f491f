/** `headflow attribute`: head attribution scores for one image (the browser opens this JSON). */
import { DEFAULT_ATTRIBUTION, attribute } from "../../engine";
import {
  ATTRIBUTION_OPTIONS,
  IMAGE_ANALYSIS_OPTIONS,
  attributionSettings,
  imagePathOf,
  requestFields,
} from "../analysis-options";
import { DEVICE_HELP } from "../device";
import { parseOptions, targetOption } from "../options";
import type { CliIo } from "../output";
import { MODEL_OPTIONS, runImageAnalysis } from "../preamble";
import { BASELINES_HELP, BASELINES_OPTIONS, attributeBaselines } from "./attribute-baselines";

const d = DEFAULT_ATTRIBUTION;
export const ATTRIBUTE_HELP = `headflow attribute --image FILE [--question Q] [--samples N] [--alpha A] [--seed S]
                  [--baseline mean|blank|image:FILE] [--target logit|logprob|margin]
                  [--answer WORD] [--holdout F] [--ridge R] [--batch B] [--out FILE] [--model DIR|URL]
  Samples N random masks (each head ablated with probability A), fits the target by ridge
  least squares and reports per-head scores (-weight), the held-out Pearson r, settings and
  timings. Defaults: --samples ${d.samples} --alpha ${d.alpha} --seed ${d.seed} --holdout ${d.holdout} --ridge ${d.ridge} --batch ${d.batchSize}.
  --out writes the JSON to FILE (atomically) instead of stdout. ${DEVICE_HELP}.
${BASELINES_HELP}`;

export async function attributeCommand(
  args: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const options = parseOptions(args, {
    ...IMAGE_ANALYSIS_OPTIONS,
    ...MODEL_OPTIONS,
    baseline: { type: "string" },
    target: { type: "string" },
    ...ATTRIBUTION_OPTIONS,
    ...BASELINES_OPTIONS,
  });
  const imagePath = imagePathOf(options);
  const settings = attributionSettings(options);
  const target = targetOption(options.target);
  if (options.baselines !== undefined) {
    const { baselines } = options;
    return attributeBaselines(
      io,
      { ...options, baselines },
      { imagePath, settings, target, signal },
    );
  }
  return runImageAnalysis(io, options, {
    label: "attribute",
    imagePath,
    signal,
    baseline: options.baseline,
    run: ({ headflow, image, baseline, bar }) =>
      attribute(headflow, image, {
        settings,
        baseline,
        target,
        ...requestFields(options, signal),
        onProgress: ({ done, total, partial }) =>
          bar.update(
            done,
            total,
            partial?.heldOutR != null ? `held-out r ${partial.heldOutR.toFixed(3)}` : "",
          ),
      }),
  });
}
