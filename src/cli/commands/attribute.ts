/** `headflow attribute`: head attribution scores for one image (the browser opens this JSON). */
import { DEFAULT_ATTRIBUTION } from "../../engine";
import { openBaseline, openImage, openModel } from "../context";
import { integerOption, numberOption, parseOptions, requireOption, targetOption } from "../options";
import { checkWritableTarget, printJson, writeFileAtomic, type CliIo } from "../output";
import { ProgressBar } from "../progress";

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
    image: { type: "string" },
    question: { type: "string" },
    samples: { type: "string" },
    alpha: { type: "string" },
    seed: { type: "string" },
    baseline: { type: "string" },
    target: { type: "string" },
    answer: { type: "string" },
    holdout: { type: "string" },
    ridge: { type: "string" },
    batch: { type: "string" },
    out: { type: "string" },
    model: { type: "string" },
  });
  const imagePath = requireOption("image", options.image);
  const settings = {
    samples: integerOption("samples", options.samples, d.samples, 10, 10_000_000),
    alpha: numberOption("alpha", options.alpha, d.alpha),
    seed: integerOption("seed", options.seed, d.seed, 0, 0xffffffff),
    holdout: numberOption("holdout", options.holdout, d.holdout),
    ridge: numberOption("ridge", options.ridge, d.ridge),
    batchSize: integerOption("batch", options.batch, d.batchSize, 1, 4096),
  };
  const target = targetOption(options.target);
  if (options.out !== undefined) await checkWritableTarget(options.out);
  const headflow = await openModel(options.model);
  headflow.prompt(options.question);
  const baseline = await openBaseline(options.baseline);
  const image = await openImage(imagePath);
  const bar = new ProgressBar(io, "attribute");
  let result;
  try {
    result = await headflow.attribute(image, {
      settings,
      baseline,
      target,
      ...(options.question !== undefined ? { question: options.question } : {}),
      ...(options.answer !== undefined ? { answer: options.answer } : {}),
      ...(signal ? { signal } : {}),
      onProgress: ({ done, total, partial }) =>
        bar.update(
          done,
          total,
          partial?.heldOutR != null ? `held-out r ${partial.heldOutR.toFixed(3)}` : "",
        ),
    });
  } finally {
    bar.done();
  }
  if (options.out !== undefined)
    await writeFileAtomic(options.out, `${JSON.stringify(result, null, 2)}\n`);
  else printJson(io, result);
  return 0;
}
