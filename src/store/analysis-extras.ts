/**
 * The token flow and object vs background results a payload may carry besides its
 * attribution (payload fields `flow` and `patches`, both optional so that permalinks made
 * before they existed stay valid). Zod schemas: a link is never trusted. In the app they
 * live in stores of their own (token-flow-store.ts, object-background-store.ts).
 */
import { z } from "zod";
import { FlowResultSchema, PatchesResultSchema } from "../engine";

/** Absolute limits on what a link may make the views draw (far above any real model). */
const MAX_TOKENS = 4096;
const MAX_PATCHES = 4096;

export const TokenAttentionSchema = z
  .object({
    positions: z.array(z.number().int().min(0)).max(MAX_TOKENS),
    attention: z.array(z.array(z.number()).max(MAX_PATCHES)).max(MAX_TOKENS),
  })
  .refine((value) => value.positions.length === value.attention.length, {
    message: "one attention row per token position",
    path: ["attention"],
  });

export const TokenFlowSchema = z.object({
  result: FlowResultSchema,
  tokenAttention: TokenAttentionSchema,
});

export const AnalysisExtrasSchema = z.object({
  flow: TokenFlowSchema.optional(),
  patches: PatchesResultSchema.optional(),
});

export type AnalysisExtras = z.infer<typeof AnalysisExtrasSchema>;

/** The extras of a parsed payload (or any object with those optional fields). */
export function extrasOf(value: AnalysisExtras): AnalysisExtras {
  return {
    ...(value.flow ? { flow: value.flow } : {}),
    ...(value.patches ? { patches: value.patches } : {}),
  };
}
