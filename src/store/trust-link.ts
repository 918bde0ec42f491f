/**
 * The trust views' state in and out of a permalink's `trust` field (trust-link-schema.ts
 * says what it holds and why). Written only when something differs from a fresh page, so
 * a link made before the field existed, once opened, builds back to itself.
 */
import type { HeadRef } from "../engine";
import { packImage, unpackImage, type AnalysisPayload } from "./analysis-payload";
import { useHeadStore } from "./head-store";
import { sessionImage } from "./session-store";
import { DEFAULT_TRUST_BASELINES, type TrustLink } from "./trust-link-schema";
import { baselineRunOf, useTrustStore } from "./trust-store";

/** The `trust` field for `payload` (the analysis on show), or undefined at the defaults. */
export function trustLinkOf(payload: AnalysisPayload): TrustLink | undefined {
  const trust = useTrustStore.getState();
  const image = sessionImage();
  const run = baselineRunOf(trust.baselineRun);
  // Only a run of the image and question on show: the link's opener runs it on those.
  const ran = run !== null && run.image === image && run.question === payload.question;
  const head = selectedHead(payload);
  const second = trust.second?.input.kind === "attribution" ? trust.second : null;
  const field: TrustLink = {
    view: trust.view,
    baselines: [...trust.baselines],
    ...(trust.baselineImage ? { baselineImage: packImage(trust.baselineImage) } : {}),
    ...(ran && trust.baselines.length >= 2 ? { ran: true as const } : {}),
    ...(head ? { head } : {}),
    ...(second?.input.kind === "attribution"
      ? { second: { from: second.from, result: second.input.result } }
      : {}),
  };
  const isDefault =
    field.view === "attention" &&
    field.baselines.join(",") === DEFAULT_TRUST_BASELINES.join(",") &&
    Object.keys(field).length === 2;
  return isDefault ? undefined : field;
}

/** The selected head when it is one of the payload's attribution's heads. */
function selectedHead(payload: AnalysisPayload): HeadRef | null {
  const selected = useHeadStore.getState().selected;
  const { attribution } = payload;
  if (selected === null || attribution === null) return null;
  const inside = selected.layer < attribution.layers && selected.head < attribution.heads;
  return inside ? { layer: selected.layer, head: selected.head } : null;
}

/**
 * Gives the trust views (and the head selection) what an opened link holds, after the
 * session was opened; a link without the field brings the defaults.
 */
export function openTrustLink(trust: TrustLink | undefined, question: string): void {
  const image = sessionImage();
  useTrustStore.getState().openLink({
    view: trust?.view ?? "attention",
    baselines: trust ? [...trust.baselines] : [...DEFAULT_TRUST_BASELINES],
    baselineImage: trust?.baselineImage ? unpackImage(trust.baselineImage) : null,
    rerun: trust?.ran && image !== null ? { image, question } : null,
    second: trust?.second
      ? { input: { kind: "attribution", result: trust.second.result }, from: trust.second.from }
      : null,
  });
  // Selecting computes the head's detail, as a click would (the worker waits for the model).
  if (trust?.head) void useHeadStore.getState().select(trust.head);
}
