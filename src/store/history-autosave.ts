/**
 * Every analysis run on this page is saved to the history (IndexedDB) so that it survives
 * a reload: an attribution as soon as it finishes, a token flow or object vs background
 * result as soon as it arrives, with or without an attribution. A result of an analysis
 * already saved (a token flow after its attribution, an attribution or object vs
 * background result after its token flow) rewrites that record under the same id, date
 * and thumbnail (saved-record.ts). Analyses opened from a link or file are not re-saved.
 * The record is the analysis on show (shown-analysis.ts).
 */
import { newAnalysisId } from "./history/analysis-record";
import { useHistoryStore, type HistoryStore } from "./history/history-store";
import type { AnalysisPayload, NamedRgbaImage } from "./analysis-payload";
import { useAnalysisStore, type AttributionState } from "./analysis-store";
import { useObjectBackgroundStore } from "./object-background-store";
import type { ResultSource } from "./run-state";
import { savedRecordOf, titleOf } from "./saved-record";
import { shownParts, payloadOf } from "./shown-analysis";
import { thumbnailOf } from "./thumbnail";
import { useTokenFlowStore } from "./token-flow-store";

/** Whether the attribution store's change brought an attribution run to keep. */
function isNewAttribution(state: AttributionState, previous: AttributionState): boolean {
  return state !== previous && state.status === "done" && state.source === "run";
}

/**
 * Whether a token flow or object vs background store's change brought a result of a run
 * to keep. Results cleared for a new session never erase the saved ones.
 */
function isNewOtherResult(
  state: { result: unknown; source: ResultSource },
  previous: { result: unknown },
): boolean {
  return state.result !== previous.result && state.result !== null && state.source === "run";
}

/** Where analyses are kept, and how their thumbnails are drawn (replaced in Node tests). */
export interface AutosaveTarget {
  history: { getState(): Pick<HistoryStore, "analyses" | "save"> };
  thumbnail(image: NamedRgbaImage): Promise<string>;
}

const BROWSER: AutosaveTarget = { history: useHistoryStore, thumbnail: thumbnailOf };

async function keep(
  payload: AnalysisPayload,
  image: NamedRgbaImage,
  target: AutosaveTarget,
): Promise<void> {
  const history = target.history.getState();
  const title = titleOf(payload);
  const record = savedRecordOf(history.analyses, payload);
  if (record !== undefined) return history.save({ ...record, title, payload });
  const thumbnail = await target.thumbnail(image);
  return history.save({ id: newAnalysisId(), createdAt: Date.now(), title, thumbnail, payload });
}

export function startHistoryAutosave(target: AutosaveTarget = BROWSER): () => void {
  // One save at a time: a result arriving while the previous one is being written then
  // finds that record (in the refreshed list) instead of adding a second one.
  let saving = Promise.resolve();
  const save = (what: "attribution" | "other") => {
    const parts = shownParts();
    // Results added to an opened or imported attribution are not saved: it was not made here.
    if (what === "other" && (parts.attributionSource ?? "run") !== "run") return;
    const payload = payloadOf(parts);
    const image = parts.image;
    if (payload === null || image === null) return;
    saving = saving
      .then(() => keep(payload, image, target))
      .catch((error: unknown) => {
        // The history store reports storage failures itself; this is a record it refused.
        console.error("HeadFlow could not save this analysis to the history:", error);
      });
  };
  const stops = [
    useAnalysisStore.subscribe((state, previous) => {
      if (isNewAttribution(state.attribution, previous.attribution)) save("attribution");
    }),
    useTokenFlowStore.subscribe((state, previous) => {
      if (isNewOtherResult(state, previous)) save("other");
    }),
    useObjectBackgroundStore.subscribe((state, previous) => {
      if (isNewOtherResult(state, previous)) save("other");
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
