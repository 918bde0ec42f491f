/**
 * The nominal image of a Qwen2-VL-family export: the square the explorer hands the
 * processor before a real image is known, and its token grid. Qwen2VLImageProcessor
 * resizes every image to multiples of patch_size x merge_size pixels within
 * [min_pixels, max_pixels] (transformers.js image_processing_qwen2_vl.js with
 * image_processors_utils.js smart_resize), so each image has its own grid; a square side
 * that is already such a multiple, with its area in range, is left as it is, and gives
 * (side / (patch x merge))^2 image tokens.
 */
import { z } from "zod";
import { HeadflowError } from "../../errors";

const positiveInt = z.number().int().positive();

export const QwenPreprocessorSchema = z.looseObject({
  patch_size: positiveInt,
  merge_size: positiveInt,
  min_pixels: positiveInt.optional(),
  max_pixels: positiveInt.optional(),
  // Qwen/Qwen2-VL-2B-Instruct repeats them as size.{min,max}_pixels; newer configs keep
  // them only as size.{shortest,longest}_edge (which transformers.js reads as fallback).
  size: z
    .looseObject({ shortest_edge: positiveInt.optional(), longest_edge: positiveInt.optional() })
    .optional(),
});

/** Qwen2-VL's usual 448 x 448 (16 x 16 tokens), clamped to what the export's limits allow. */
const NOMINAL_SIDE = 448;

export function qwenImageGeometry(preprocessor: z.infer<typeof QwenPreprocessorSchema>): {
  inputSize: number;
  tokenGrid: [number, number];
} {
  const factor = preprocessor.patch_size * preprocessor.merge_size;
  const minPixels = preprocessor.min_pixels ?? preprocessor.size?.shortest_edge ?? factor * factor;
  const maxPixels = preprocessor.max_pixels ?? preprocessor.size?.longest_edge ?? Infinity;
  let side = Math.floor(Math.min(NOMINAL_SIDE, Math.sqrt(maxPixels)) / factor) * factor;
  if (side * side < minPixels) side = Math.ceil(Math.sqrt(minPixels) / factor) * factor;
  if (side < factor || side * side > maxPixels) {
    throw new HeadflowError(
      "bad-model",
      `model file preprocessor_config.json is invalid: no square image fits min_pixels ${minPixels} and max_pixels ${maxPixels} in multiples of ${factor} pixels`,
    );
  }
  const tokens = side / factor;
  return { inputSize: side, tokenGrid: [tokens, tokens] };
}
