/** `headflow attribute`: head attribution scores for one image (the browser opens this JSON). */
import { DEFAULT_ATTRIBUTION, attribute } from "../../engine";
import {
  ATTRIBUTION_OPTIONS,
  IMAGE_ANALYSIS_OPTIONS,
  attributionSettings,
  emitResult,
  imagePathOf,
  openAnalysisModel,
  requestFields,
  withProgress,
} from "../analysis-options";
import { openBaseline, openImage } from "../context";
import { parseOptions, targetOption } from "../options";
import type { CliIo } from "../output";

const d = DEFAULT_ATTRIBUTION;
export const ATTRIBUTE_HELP = `headflow attribute --image FILE [--question Q] [--samples N] [--alpha A] [--seed S]
                  [--baseline mean|blank|image:FILE] [--target logit|logprob|margin]
                  [--answer WORD] [--holdout F] [--ridge R] [--batch B] [--out FILE] [--model DIR|URL]
  Samples N random masks (each head ablated with probability A), fits the target by ridge
  least squares and reports per-head scores (-weight), the held-out Pearson r, settings and
  timings. Defaults: --samples ${d.samples} --alpha ${d.alpha} --seed ${d.seed} --holdout ${d.holdout} --ridge ${d.ridge} --batch ${d.batchSize}.
  --out writes the JSON to FILE (atomically) instead of stdout.`;

export async function attributeCommand(
  args: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const options = parseOptions(args, {
    ...IMAGE_ANALYSIS_OPTIONS,
    baseline: { type: "string" },
    target: { type: "string" },
    ...ATTRIBUTION_OPTIONS,
  });
  const imagePath = imagePathOf(options);
  const settings = attributionSettings(options);
  const target = targetOption(options.target);
  const headflow = await openAnalysisModel(options);
  const baseline = await openBaseline(options.baseline);
  const image = await openImage(imagePath);
  const result = await withProgress(io, "attribute", (bar) =>
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
  );
  await emitResult(io, options.out, result);
  return 0;
}
