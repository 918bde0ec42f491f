/** `headflow patches`: object vs background patches, and the per-patch contribution map. */
import { objectVsBackground } from "../../engine";
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

export const PATCHES_HELP = `headflow patches --image FILE [--answer WORD] [--question Q]
                [--object-patches P | --object-threshold F | --coverage-threshold C] [--batch B]
                [--out FILE] [--model DIR|URL]
  Blocks the text's attention (every token after the image, every layer) to the object
  patches, to the background patches and to all patches, and to each single patch (the
  contribution map: p_clean - p_blocked per patch, [row][col]).
${OBJECT_MASK_HELP}
  ${DEVICE_HELP}.`;

export async function patchesCommand(
  args: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const options = parseOptions(args, {
    ...IMAGE_ANALYSIS_OPTIONS,
    ...MODEL_OPTIONS,
    batch: { type: "string" },
    ...OBJECT_MASK_OPTIONS,
  });
  const imagePath = imagePathOf(options);
  const batchSize = integerOption("batch", options.batch, 16, 1, 4096);
  return runImageAnalysis(io, options, {
    label: "patches",
    imagePath,
    signal,
    prepare: (headflow) => objectMaskSpec(options, imagePath, headflow.bundle.manifest),
    run: ({ headflow, image, prepared }) =>
      objectVsBackground(headflow, image, {
        objectMask: prepared,
        batchSize,
        ...requestFields(options, signal),
      }),
  });
}
