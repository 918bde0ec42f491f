/**
 * The explorer's analysis as one JSON document: what a permalink carries, what the history
 * keeps and what "Copy permalink" encodes. It holds everything the views need to show the
 * analysis again without the model: the image at model resolution, the question, the
 * settings and the engine's own result JSON (answer and attribution, result.ts; token flow
 * and object vs background, analysis-extras.ts).
 *
 * Two versions: `headflow.analysis/1` always carries an attribution; `/2` may carry none
 * (`attribution: null`) as long as it has a token flow or object vs background result.
 * An analysis with an attribution is still written as /1, so its links stay readable by
 * earlier HeadFlows; one without is written as /2, which those refuse as "cannot open"
 * instead of calling the link damaged.
 *
 * The image is raw RGB at model size in base64url (12 KB for 64 x 64): exact pixels, so a
 * recomputation from a link sees what the original run saw. Pure: tested in Node.
 */
import { z } from "zod";
import {
  type RgbaImage,
  AnswerResultSchema,
  AttributionResultSchema,
  type AnswerResult,
  type AttributionResult,
} from "../engine";
import { decodeBase64Url, encodeBase64Url } from "./permalink/base64url";
import { AnalysisExtrasSchema, extrasOf, type AnalysisExtras } from "./analysis-extras";
import { ModelImageSchema } from "./model-image-schema";
import { checkTrustLink, TrustLinkSchema } from "./trust-link-schema";

/** Written for analyses with an attribution (and the only version before flow-only links). */
export const ANALYSIS_SCHEMA = "headflow.analysis/1";
/** Written for analyses without an attribution: token flow and/or object vs background. */
export const ANALYSIS_SCHEMA_NO_ATTRIBUTION = "headflow.analysis/2";

/** Why a payload without an attribution is refused when it has nothing else either. */
export const NOTHING_TO_SHOW =
  "it holds no results to show (no attribution, token flow or object vs background)";

export const AnalysisPayloadSchema = z
  .object({
    // An unknown version fails here, on `schema`: the codec then says "cannot open".
    schema: z.enum([ANALYSIS_SCHEMA, ANALYSIS_SCHEMA_NO_ATTRIBUTION]),
    modelId: z.string().min(1).max(200),
    image: ModelImageSchema,
    question: z.string().max(2000),
    answer: AnswerResultSchema.nullable(),
    // Null in /2 when there is none; absent reads as null too (a hand-written payload).
    attribution: AttributionResultSchema.nullable().default(null),
    // Optional (analysis-extras.ts): links made before token flow existed stay valid.
    ...AnalysisExtrasSchema.shape,
    // Optional: the trust views' state (trust-link-schema.ts); older links have none.
    trust: TrustLinkSchema.optional(),
  })
  .superRefine((payload, context) => {
    if (payload.flow) checkTokenAttention(payload.flow, context);
    if (payload.trust) checkTrustLink(payload.trust, payload.attribution, context);
    if (payload.attribution !== null) return;
    if (payload.schema === ANALYSIS_SCHEMA) {
      context.addIssue({
        code: "custom",
        path: ["attribution"],
        message: `a ${ANALYSIS_SCHEMA} analysis carries an attribution`,
      });
    } else if (!payload.flow && !payload.patches) {
      context.addIssue({ code: "custom", path: [], message: NOTHING_TO_SHOW });
    }
  });

export type AnalysisPayload = z.infer<typeof AnalysisPayloadSchema>;

/**
 * The token flow's attention rows name prompt positions of its own result and all read the
 * same patches: the views index the prompt and the patch grid with them.
 */
function checkTokenAttention(
  flow: NonNullable<AnalysisExtras["flow"]>,
  context: z.RefinementCtx,
): void {
  const { positions, attention } = flow.tokenAttention;
  const tokens = flow.result.promptTokens.length;
  const outside = positions.findIndex((position) => position >= tokens);
  if (outside >= 0) {
    context.addIssue({
      code: "custom",
      path: ["flow", "tokenAttention", "positions", outside],
      message: `position ${positions[outside]} is outside the ${tokens} prompt tokens`,
    });
  }
  const width = attention[0]?.length ?? 0;
  const uneven = attention.findIndex((row) => row.length !== width);
  if (uneven >= 0) {
    context.addIssue({
      code: "custom",
      path: ["flow", "tokenAttention", "attention", uneven],
      message: `every attention row reads the same ${width} patches (row ${uneven} has ${attention[uneven]!.length})`,
    });
  }
}

export interface NamedRgbaImage extends RgbaImage {
  name: string;
}

/** Whether an analysis holds something a permalink or the history can show again. */
export function hasResultsToShow(
  attribution: AttributionResult | null,
  extras: AnalysisExtras,
): boolean {
  return attribution !== null || Boolean(extras.flow) || Boolean(extras.patches);
}

/**
 * The payload of an analysis; throws when it has no attribution, token flow or object vs
 * background result (callers check hasResultsToShow first). A link pairs only results of
 * one question: a new question clears the token flow results but leaves the finished
 * attribution (and the answer) of the previous one on show, so when the token flow or
 * object vs background results are of another question than the attribution, they are the
 * newer ones and the attribution stays out; an answer to another question stays out too.
 */
export function buildPayload(
  image: NamedRgbaImage,
  answer: AnswerResult | null,
  attribution: AttributionResult | null,
  extras: AnalysisExtras = {},
): AnalysisPayload {
  const kept = extrasOf(extras);
  const newest = kept.flow?.result ?? kept.patches ?? attribution;
  if (!newest) throw new Error(`this analysis ${NOTHING_TO_SHOW}`);
  const question = newest.question;
  const sameQuestion = <T extends { question: string }>(part: T | null | undefined) =>
    part?.question === question ? part : null;
  const shownAttribution = sameQuestion(attribution);
  const flow = kept.flow && sameQuestion(kept.flow.result) ? kept.flow : undefined;
  const patches = sameQuestion(kept.patches) ?? undefined;
  return {
    schema: shownAttribution !== null ? ANALYSIS_SCHEMA : ANALYSIS_SCHEMA_NO_ATTRIBUTION,
    modelId: newest.model.id,
    image: packImage(image),
    question,
    answer: sameQuestion(answer),
    attribution: shownAttribution,
    ...(flow ? { flow } : {}),
    ...(patches ? { patches } : {}),
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
