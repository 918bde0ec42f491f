/** `headflow flow`: attention knockout curves between token groups for one image. */
import { TOKEN_GROUPS, defaultWindow, flowImage, parsePairs } from "../../engine";
import {
  OBJECT_MASK_HELP,
  OBJECT_MASK_OPTIONS,
  emitResult,
  objectMaskSpec,
} from "../analysis-options";
import { openImage, openModel } from "../context";
import { integerOption, parseOptions, requireOption } from "../options";
import { checkWritableTarget, type CliIo } from "../output";
import { ProgressBar } from "../progress";

export const FLOW_HELP = `headflow flow --image FILE [--window W] [--pairs SRC->DST,...] [--answer WORD] [--question Q]
             [--object-patches P | --object-threshold F | --coverage-threshold C] [--batch B]
             [--out FILE] [--model DIR|URL]
  Attention knockout: for each (source -> target) pair of token groups
  (${TOKEN_GROUPS.join(", ")}), blocks the target's attention to
  the source in layers l..l+W-1 (clipped at the top) for every start layer l, and reports
  the answer probability and its relative change.
  Default W: a quarter of the layers (${defaultWindow(8)} for 8); default pairs: every group to
  every later group. Groups are defined in src/engine/token-groups.ts.
${OBJECT_MASK_HELP}`;

export async function flowCommand(
  args: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const options = parseOptions(args, {
    image: { type: "string" },
    question: { type: "string" },
    answer: { type: "string" },
    window: { type: "string" },
    pairs: { type: "string" },
    batch: { type: "string" },
    out: { type: "string" },
    model: { type: "string" },
    ...OBJECT_MASK_OPTIONS,
  });
  const imagePath = requireOption("image", options.image);
  const pairs = options.pairs !== undefined ? parsePairs(options.pairs) : undefined;
  const batchSize = integerOption("batch", options.batch, 16, 1, 4096);
  if (options.out !== undefined) await checkWritableTarget(options.out);
  const headflow = await openModel(options.model);
  const { layers } = headflow.bundle.manifest;
  const window = integerOption("window", options.window, defaultWindow(layers), 0, layers);
  headflow.prompt(options.question);
  const objectMask = await objectMaskSpec(options, imagePath, headflow.bundle.manifest);
  const image = await openImage(imagePath);
  const bar = new ProgressBar(io, "flow");
  let result;
  try {
    result = await flowImage(headflow, image, {
      window,
      objectMask,
      batchSize,
      ...(pairs ? { pairs } : {}),
      ...(options.question !== undefined ? { question: options.question } : {}),
      ...(options.answer !== undefined ? { answer: options.answer } : {}),
      ...(signal ? { signal } : {}),
      onProgress: (done, total) => bar.update(done, total),
    });
  } finally {
    bar.done();
  }
  await emitResult(io, options.out, result);
  return 0;
}
