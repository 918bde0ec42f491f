/**
 * The page's URL fragment as the home of the analysis being shown: opening an analysis
 * (e.g. from history) writes its permalink there, and the page is then shareable as is.
 * Reading it back (on load, or when it changes) opens the analysis it holds. A link that
 * cannot be opened is taken out of the address bar, so a reload starts clean.
 */
import { encodePermalink, type SchemaTagged } from "./permalink/codec";
import { decodeAnalysisLink } from "./permalink/analysis-link";
import { errorMessage } from "../engine";
import { useAnalysisStore } from "./analysis-store";
import { openAnalysis } from "./shown-analysis";

export function showPermalink(payload: SchemaTagged): void {
  const fragment = encodePermalink(payload);
  // The same fragment again fires no hashchange: open it directly then.
  if (window.location.hash === fragment) void openLocationPermalink();
  else window.location.hash = fragment;
}

/** The whole URL of this page with `payload` in the fragment. */
export function permalinkUrl(payload: SchemaTagged): string {
  const { origin, pathname, search } = window.location;
  return `${origin}${pathname}${search}${encodePermalink(payload)}`;
}

/**
 * Takes the fragment out of the address bar without a navigation (no hashchange, no new
 * history entry). Only `hash` when given: a newer link the user opened meanwhile stays.
 */
export function clearLocationPermalink(hash?: string): void {
  const current = window.location.hash;
  if (current === "" || (hash !== undefined && current !== hash)) return;
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, "", `${pathname}${search}`);
}

/** Counts link openings, so that a slow decode that a newer link overtook is dropped. */
let latestOpening = 0;

/** Opens the analysis in the current fragment, or shows why it cannot be opened. */
export async function openLocationPermalink(): Promise<void> {
  const { hash } = window.location;
  if (hash === "" || hash === "#") return;
  const opening = ++latestOpening;
  try {
    const payload = await decodeAnalysisLink(hash);
    if (opening !== latestOpening) return;
    openAnalysis(payload);
  } catch (error) {
    if (opening !== latestOpening) return;
    clearLocationPermalink(hash);
    useAnalysisStore.getState().showLinkError(errorMessage(error));
  }
}

/** Follows the fragment from now on (history's Open, the back button, a pasted link). */
export function followLocationPermalink(): () => void {
  const open = () => void openLocationPermalink();
  open();
  window.addEventListener("hashchange", open);
  return () => window.removeEventListener("hashchange", open);
}
