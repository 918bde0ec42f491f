/** `headflow flow`: attention knockout curves between token groups for one image. */
import { TOKEN_GROUPS, defaultWindow, flow, parsePairs } from "../../engine";
import {
  IMAGE_ANALYSIS_OPTIONS,
  OBJECT_MASK_HELP,
  OBJECT_MASK_OPTIONS,
  imagePathOf,
  objectMaskSpec,
  requestFields,
} from "../analysis-options";
import { DEVICE_HELP } from "../device";
import { MODEL_OPTIONS, runImageAnalysis } from "../preamble";
import { integerOption, parseOptions } from "../options";
import type { CliIo } from "../output";

export const FLOW_HELP = `headflow flow --image FILE [--window W] [--pairs SRC->DST,...] [--answer WORD] [--question Q]
             [--object-patches P | --object-threshold F | --coverage-threshold C] [--batch B]
             [--out FILE] [--model DIR|URL]
  Attention knockout: for each (source -> target) pair of token groups
  (${TOKEN_GROUPS.join(", ")}), blocks the target's attention to
  the source in layers l..l+W-1 (clipped at the top) for every start layer l, and reports
  the answer probability and its relative change.
  Default W: a quarter of the layers (${defaultWindow(8)} for 8); default pairs: every group to
  every later group. Groups are defined in src/engine/analyses/flow/token-groups.ts.
${OBJECT_MASK_HELP}
  ${DEVICE_HELP}.`;

export async function flowCommand(
  args: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const options = parseOptions(args, {
    ...IMAGE_ANALYSIS_OPTIONS,
    ...MODEL_OPTIONS,
    window: { type: "string" },
    pairs: { type: "string" },
    batch: { type: "string" },
    ...OBJECT_MASK_OPTIONS,
  });
  const imagePath = imagePathOf(options);
  const pairs = options.pairs !== undefined ? parsePairs(options.pairs) : undefined;
  const batchSize = integerOption("batch", options.batch, 16, 1, 4096);
  return runImageAnalysis(io, options, {
    label: "flow",
    imagePath,
    signal,
    prepare: async (headflow) => {
      const { layers } = headflow.bundle.manifest;
      return {
        window: integerOption("window", options.window, defaultWindow(layers), 0, layers),
        objectMask: await objectMaskSpec(options, imagePath, headflow.bundle.manifest),
      };
    },
    run: ({ headflow, image, prepared, bar }) =>
      flow(headflow, image, {
        ...prepared,
        batchSize,
        ...(pairs ? { pairs } : {}),
        ...requestFields(options, signal),
        onProgress: (done, total) => bar.update(done, total),
      }),
  });
}
