/** `headflow ablate`: clean vs ablated target, answer and top-k for a set of heads. */
import { parseHeadList, ablate } from "../../engine";
import { openBaseline, openImage } from "../context";
import { DEVICE_HELP } from "../device";
import { integerOption, parseOptions, requireOption, targetOption } from "../options";
import { printJson, type CliIo } from "../output";
import { MODEL_OPTIONS, openCommandModel } from "../preamble";

export const ABLATE_HELP = `headflow ablate --image FILE --heads L.H[,L.H...] [--baseline mean|blank|image:FILE]
                [--question Q] [--target logit|logprob|margin] [--top K] [--model DIR|URL]
  Ablates the listed heads (0-based layer.head) and reports the clean and ablated target
  of the clean answer token, the answers and the top-K tokens. ${DEVICE_HELP}.`;

export async function ablateCommand(
  args: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const options = parseOptions(args, {
    image: { type: "string" },
    heads: { type: "string" },
    baseline: { type: "string" },
    question: { type: "string" },
    target: { type: "string" },
    top: { type: "string" },
    ...MODEL_OPTIONS,
  });
  const imagePath = requireOption("image", options.image);
  const headsText = requireOption("heads", options.heads);
  const target = targetOption(options.target);
  const top = integerOption("top", options.top, 5, 1, 1000);
  const headflow = await openCommandModel(options, signal);
  const { layers, heads } = headflow.bundle.manifest;
  const headList = parseHeadList(headsText, layers, heads);
  const baseline = await openBaseline(options.baseline);
  const image = await openImage(imagePath);
  const result = await ablate(headflow, image, {
    heads: headList,
    baseline,
    target,
    top,
    ...(options.question !== undefined ? { question: options.question } : {}),
  });
  printJson(io, result);
  return 0;
}
