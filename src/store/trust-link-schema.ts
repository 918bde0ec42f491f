/**
 * The trust views' state as a permalink carries it (payload field `trust`, optional, so
 * links made before it existed still open): which view is open, the baselines chosen for
 * baseline sensitivity and the chosen baseline image, whether the baseline comparison had
 * been run, the selected head, and the comparison's second result.
 *
 * What is bounded, and how:
 * - The baseline image is at model resolution, like the analysis's own image.
 * - Baseline-sensitivity results are not carried: `ran` says the comparison was on show,
 *   and opening the link runs it again (same image, question, settings and seed, so the
 *   same masks), because its results hold one whole attribution per baseline.
 * - The second result is carried when it is an attribution (checked with the attribution
 *   schema's limits, like the link's own attribution, so it at most doubles that part of
 *   the link); a sets result holds every image's scores and is left out.
 *
 * Pure (zod only): the payload schema and the permalink decode worker import it.
 */
import { z } from "zod";
import { AttributionResultSchema, type AttributionResult } from "../engine";
import { ModelImageSchema } from "./model-image-schema";

export const TRUST_VIEWS = ["attention", "baselines", "compare"] as const;
export type TrustView = (typeof TRUST_VIEWS)[number];

/** Baselines the browser runs, in the order the views list them. */
export const TRUST_BASELINES = ["mean", "blank", "image"] as const;
export type TrustBaseline = (typeof TRUST_BASELINES)[number];

/** The baselines chosen until the user changes them (an image needs choosing first). */
export const DEFAULT_TRUST_BASELINES: readonly TrustBaseline[] = ["mean", "blank"];

/** Names of a second result's source (a file name or a history title) are kept short. */
const MAX_FROM_CHARS = 500;

const HeadSchema = z.object({
  layer: z.number().int().min(0),
  head: z.number().int().min(0),
});

export const TrustLinkSchema = z.object({
  view: z.enum(TRUST_VIEWS),
  baselines: z.array(z.enum(TRUST_BASELINES)).max(TRUST_BASELINES.length),
  baselineImage: ModelImageSchema.optional(),
  ran: z.literal(true).optional(),
  head: HeadSchema.optional(),
  second: z
    .object({ from: z.string().max(MAX_FROM_CHARS), result: AttributionResultSchema })
    .optional(),
});

export type TrustLink = z.infer<typeof TrustLinkSchema>;

/** The rules a `trust` field follows besides its shape (called by the payload schema). */
export function checkTrustLink(
  trust: TrustLink,
  attribution: AttributionResult | null,
  context: z.RefinementCtx,
): void {
  const issue = (path: (string | number)[], message: string) =>
    context.addIssue({ code: "custom", path: ["trust", ...path], message });
  const canonical = TRUST_BASELINES.filter((b) => trust.baselines.includes(b));
  if (canonical.join(",") !== trust.baselines.join(",")) {
    issue(
      ["baselines"],
      `baselines are listed once each, in the order ${TRUST_BASELINES.join(", ")}`,
    );
  }
  if (trust.baselines.includes("image") && trust.baselineImage === undefined) {
    issue(["baselineImage"], "the image baseline is chosen but no baseline image is given");
  }
  if (trust.ran && trust.baselines.length < 2) {
    issue(["ran"], "a baseline comparison needs at least two baselines");
  }
  if (trust.head) {
    const { layer, head } = trust.head;
    if (attribution === null) {
      issue(["head"], "a selected head needs the attribution it was selected in");
    } else if (layer >= attribution.layers || head >= attribution.heads) {
      issue(
        ["head"],
        `head ${layer}.${head} is outside the attribution's ${attribution.layers} x ${attribution.heads} heads`,
      );
    }
  }
}
