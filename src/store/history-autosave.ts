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
 * to keep. Results cleared for a new session never erase the saved ones, and results
 * added to an opened or imported attribution are not saved: it was not made here.
 */
function isNewOtherResult(
  state: { result: unknown; source: ResultSource },
  previous: { result: unknown },
): boolean {
  if (state.result === previous.result || state.result === null) return false;
  if (state.source !== "run") return false;
  const attribution = useAnalysisStore.getState().attribution;
  return attribution.status !== "done" || attribution.source === "run";
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
  const save = () => {
    const parts = shownParts();
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
      if (isNewAttribution(state.attribution, previous.attribution)) save();
    }),
    useTokenFlowStore.subscribe((state, previous) => {
      if (isNewOtherResult(state, previous)) save();
    }),
    useObjectBackgroundStore.subscribe((state, previous) => {
      if (isNewOtherResult(state, previous)) save();
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
