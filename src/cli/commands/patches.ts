/** `headflow patches`: object vs background patches, and the per-patch contribution map. */
import { objectVsBackground } from "../../engine";
import {
  IMAGE_ANALYSIS_OPTIONS,
  OBJECT_MASK_HELP,
  OBJECT_MASK_OPTIONS,
  emitResult,
  imagePathOf,
  objectMaskSpec,
  openAnalysisModel,
  requestFields,
} from "../analysis-options";
import { openImage } from "../context";
import { integerOption, parseOptions } from "../options";
import type { CliIo } from "../output";

export const PATCHES_HELP = `headflow patches --image FILE [--answer WORD] [--question Q]
                [--object-patches P | --object-threshold F | --coverage-threshold C] [--batch B]
                [--out FILE] [--model DIR|URL]
  Blocks the text's attention (every token after the image, every layer) to the object
  patches, to the background patches and to all patches, and to each single patch (the
  contribution map: p_clean - p_blocked per patch, [row][col]).
${OBJECT_MASK_HELP}`;

export async function patchesCommand(
  args: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const options = parseOptions(args, {
    ...IMAGE_ANALYSIS_OPTIONS,
    batch: { type: "string" },
    ...OBJECT_MASK_OPTIONS,
  });
  const imagePath = imagePathOf(options);
  const batchSize = integerOption("batch", options.batch, 16, 1, 4096);
  const headflow = await openAnalysisModel(options);
  const objectMask = await objectMaskSpec(options, imagePath, headflow.bundle.manifest);
  const image = await openImage(imagePath);
  const result = await objectVsBackground(headflow, image, {
    objectMask,
    batchSize,
    ...requestFields(options, signal),
  });
  await emitResult(io, options.out, result);
  return 0;
}
