/**
 * The page's URL fragment as the home of the analysis being shown: opening an analysis
 * (e.g. from history) writes its permalink there, and the page is then shareable as is.
 * Reading it back (on load, or when it changes) opens the analysis it holds.
 */
import { decodePermalink, encodePermalink, type SchemaTagged } from "./permalink/codec";
import { AnalysisPayloadSchema } from "./analysis-payload";
import { messageOf, useAnalysisStore } from "./analysis-store";

export function showPermalink(payload: SchemaTagged): void {
  const fragment = encodePermalink(payload);
  // The same fragment again fires no hashchange: open it directly then.
  if (window.location.hash === fragment) openLocationPermalink();
  else window.location.hash = fragment;
}

/** The whole URL of this page with `payload` in the fragment. */
export function permalinkUrl(payload: SchemaTagged): string {
  const { origin, pathname, search } = window.location;
  return `${origin}${pathname}${search}${encodePermalink(payload)}`;
}

/** Opens the analysis in the current fragment, or shows why it cannot be opened. */
export function openLocationPermalink(): void {
  const { hash } = window.location;
  if (hash === "" || hash === "#") return;
  try {
    useAnalysisStore.getState().openPayload(decodePermalink(hash, AnalysisPayloadSchema));
  } catch (error) {
    useAnalysisStore.getState().showLinkError(messageOf(error));
  }
}

/** Follows the fragment from now on (history's Open, the back button, a pasted link). */
export function followLocationPermalink(): () => void {
  openLocationPermalink();
  window.addEventListener("hashchange", openLocationPermalink);
  return () => window.removeEventListener("hashchange", openLocationPermalink);
}
