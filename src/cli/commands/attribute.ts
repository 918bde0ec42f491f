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
                  [--answer WORD] [--holdout F] [--ridge R] [--batch B] [--stop auto|off]
                  [--out FILE] [--model DIR|URL]
  Samples N random masks (each head ablated with probability A), fits the target by ridge
  least squares and reports per-head scores (-weight), the held-out Pearson r, settings and
  timings. --stop auto ends sampling before N once the top-10 heads and the held-out r
  have stopped changing (the rule and the masks used are in the JSON's "stopping").
  Defaults: --samples ${d.samples} --alpha ${d.alpha} --seed ${d.seed} --holdout ${d.holdout} --ridge ${d.ridge} --stop ${d.stop};
  --batch: sized to the model's key/value cache and this machine's memory, at most ${d.batchSize}
  (the JSON's "batch" states it and why); a batch that runs out of memory is run again at half.
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
  const { batchSize, ...chosen } = attributionSettings(options);
  // Without --batch the engine sizes the batch to the model and this machine's memory
  // (the JSON's "batch" says which and why).
  const settings = options.batch === undefined ? chosen : { ...chosen, batchSize };
  const target = targetOption(options.target);
  if (options.baselines !== undefined) {
    const { baselines } = options;
    return attributeBaselines(
      io,
      { ...options, baselines },
      { imagePath, settings: { ...chosen, batchSize }, target, signal },
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
        onHalve: ({ from, to }) =>
          io.stderr(
            `attribute: out of memory at batch ${from}; running those masks again at ${to}\n`,
          ),
        onProgress: ({ done, total, partial, check }) =>
          bar.update(done, total, progressNote(partial?.heldOutR, check?.topKOverlap)),
      }),
  });
}

/** The progress line's note: the live held-out r, and with --stop auto the top-10 overlap. */
function progressNote(heldOutR: number | null | undefined, overlap: number | null | undefined) {
  const notes = [];
  if (heldOutR != null) notes.push(`held-out r ${heldOutR.toFixed(3)}`);
  if (overlap != null) notes.push(`top-10 overlap ${overlap.toFixed(1)}`);
  return notes.join(", ");
}
