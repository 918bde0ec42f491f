/**
 * The explorer's analysis as one JSON document: what a permalink carries, what the history
 * keeps and what "Copy permalink" encodes. It holds everything the views need to show the
 * analysis again without the model: the image at model resolution, the question, the
 * settings and the engine's own result JSON (answer and attribution, result.ts).
 *
 * The image is raw RGB at model size in base64url (12 KB for 64 x 64): exact pixels, so a
 * recomputation from a link sees what the original run saw. Pure: tested in Node.
 */
import { z } from "zod";
import type { RgbaImage } from "../engine/image";
import { decodeBase64Url, encodeBase64Url } from "../engine/permalink/base64url";
import {
  AnswerResultSchema,
  AttributionResultSchema,
  type AnswerResult,
  type AttributionResult,
} from "../engine/result";
import { AnalysisExtrasSchema, extrasOf, type AnalysisExtras } from "./analysis-extras";

export const ANALYSIS_SCHEMA = "headflow.analysis/1";

/** Model images are small; anything larger is not ours (and would bloat a link). */
const MAX_IMAGE_SIDE = 512;

const ModelImageSchema = z
  .object({
    name: z.string().max(500),
    size: z.number().int().min(1).max(MAX_IMAGE_SIDE),
    /** base64url of size x size x 3 bytes, row-major RGB. */
    rgb: z.string().regex(/^[A-Za-z0-9_-]*$/),
  })
  .refine((image) => image.rgb.length === Math.ceil((image.size * image.size * 3 * 4) / 3), {
    message: "the image data does not match its size",
    path: ["rgb"],
  });

export const AnalysisPayloadSchema = z.object({
  schema: z.literal(ANALYSIS_SCHEMA),
  modelId: z.string().min(1).max(200),
  image: ModelImageSchema,
  question: z.string().max(2000),
  answer: AnswerResultSchema.nullable(),
  attribution: AttributionResultSchema,
  // Optional (analysis-extras.ts): links made before token flow existed stay valid.
  ...AnalysisExtrasSchema.shape,
});

export type AnalysisPayload = z.infer<typeof AnalysisPayloadSchema>;

export interface NamedRgbaImage extends RgbaImage {
  name: string;
}

export function buildPayload(
  image: NamedRgbaImage,
  answer: AnswerResult | null,
  attribution: AttributionResult,
  extras: AnalysisExtras = {},
): AnalysisPayload {
  return {
    schema: ANALYSIS_SCHEMA,
    modelId: attribution.model.id,
    image: packImage(image),
    question: attribution.question,
    answer,
    attribution,
    ...extrasOf(extras),
  };
}

export function packImage(image: NamedRgbaImage): AnalysisPayload["image"] {
  if (image.width !== image.height) throw new Error("a model image is square");
  const pixels = image.width * image.height;
  const rgb = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    rgb[i * 3] = image.data[i * 4]!;
    rgb[i * 3 + 1] = image.data[i * 4 + 1]!;
    rgb[i * 3 + 2] = image.data[i * 4 + 2]!;
  }
  return { name: image.name, size: image.width, rgb: encodeBase64Url(rgb) };
}

export function unpackImage(image: AnalysisPayload["image"]): NamedRgbaImage {
  const rgb = decodeBase64Url(image.rgb);
  const pixels = image.size * image.size;
  if (rgb.length !== pixels * 3) throw new Error("the image data does not match its size");
  const data = new Uint8Array(pixels * 4);
  for (let i = 0; i < pixels; i++) {
    data[i * 4] = rgb[i * 3]!;
    data[i * 4 + 1] = rgb[i * 3 + 1]!;
    data[i * 4 + 2] = rgb[i * 3 + 2]!;
    data[i * 4 + 3] = 255;
  }
  return { name: image.name, width: image.size, height: image.size, data };
}
