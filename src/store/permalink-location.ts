/**
 * The page's URL fragment as the home of the analysis being shown: opening an analysis
 * (e.g. from history) writes its permalink there, and the page is then shareable as is.
 */
import { encodePermalink, type SchemaTagged } from "../engine/permalink/codec";

export function showPermalink(payload: SchemaTagged): void {
  window.location.hash = encodePermalink(payload);
}
