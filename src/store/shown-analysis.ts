/**
 * The analysis on show as one payload (analysis-payload.ts), put together from the stores
 * that hold its parts: the session's image, the analysis store's answer and attribution,
 * the token flow and the object vs background results. Opening a payload (a permalink,
 * the history) hands each part back to its store. The permalink, Share and the history
 * autosave read the analysis here; no store reads another's results to build it.
 */
import type { AttributionResult, PatchesResult } from "../engine";
import type { TokenFlowRun } from "../workers/token-flow-types";
import {
  buildPayload,
  hasResultsToShow,
  unpackImage,
  type AnalysisPayload,
  type NamedRgbaImage,
} from "./analysis-payload";
import { shownAttribution, useAnalysisStore, type AskState } from "./analysis-store";
import { useObjectBackgroundStore } from "./object-background-store";
import type { ResultSource } from "./run-state";
import { openSession, sessionImage, settingsOf, useSessionStore } from "./session-store";
import { useTokenFlowStore } from "./token-flow-store";
import { openTrustLink, trustLinkOf } from "./trust-link";

/** The parts of the analysis on show, as the stores hold them. */
export interface ShownParts {
  image: NamedRgbaImage | null;
  ask: AskState;
  attribution: AttributionResult | null;
  /** Where the attribution came from (null without one). */
  attributionSource: ResultSource | null;
  flow: TokenFlowRun | null;
  patches: PatchesResult | null;
}

export function shownParts(): ShownParts {
  const analysis = useAnalysisStore.getState();
  return {
    image: sessionImage(),
    ask: analysis.ask,
    attribution: shownAttribution(analysis),
    attributionSource: analysis.attribution.status === "done" ? analysis.attribution.source : null,
    flow: useTokenFlowStore.getState().result,
    patches: useObjectBackgroundStore.getState().result,
  };
}

/** The payload of `parts`, or null when there is nothing to share or keep. */
export function payloadOf(parts: ShownParts): AnalysisPayload | null {
  const { image, ask, attribution } = parts;
  const extras = {
    ...(parts.flow ? { flow: parts.flow } : {}),
    ...(parts.patches ? { patches: parts.patches } : {}),
  };
  if (image === null || !hasResultsToShow(attribution, extras)) return null;
  return buildPayload(image, ask.status === "done" ? ask.result : null, attribution, extras);
}

/**
 * The analysis on show as a permalink payload, or null when there is none. A link also
 * carries the trust views' state (trust-link.ts); the history keeps the results only.
 */
export function shownPayload(): AnalysisPayload | null {
  const payload = payloadOf(shownParts());
  if (payload === null) return null;
  const trust = trustLinkOf(payload);
  return trust ? { ...payload, trust } : payload;
}

/**
 * Whether the analysis on show can be shared or kept: an image with an attribution, a
 * token flow or an object vs background result (without packing the image, as
 * shownPayload would). A hook: it redraws when any of those parts changes.
 */
export function useShareable(): boolean {
  const image = useSessionStore((store) => store.image);
  const attribution = useAnalysisStore(shownAttribution);
  const flow = useTokenFlowStore((store) => store.result);
  const patches = useObjectBackgroundStore((store) => store.result);
  return (
    image !== null &&
    hasResultsToShow(attribution, {
      ...(flow ? { flow } : {}),
      ...(patches ? { patches } : {}),
    })
  );
}

/** Shows a saved analysis at once (no model work), from a permalink or the history. */
export function openAnalysis(payload: AnalysisPayload): void {
  const { attribution } = payload;
  const flow = payload.flow ?? null;
  const patches = payload.patches ?? null;
  useAnalysisStore.getState().openResults(payload.answer, attribution, "link");
  // A new session: resets.ts clears what the previous one had, then its results arrive.
  openSession({
    image: unpackImage(payload.image),
    question: payload.question,
    // Without an attribution (token flow only) the link has no settings: keep the user's.
    ...(attribution ? { settings: settingsOf(attribution) } : {}),
    objectMask: patches?.objectMask ?? flow?.result.objectMask ?? null,
  });
  useTokenFlowStore.getState().show(flow, "link");
  useObjectBackgroundStore.getState().show(patches, "link");
  openTrustLink(payload.trust, payload.question);
}
