/**
 * Every analysis run on this page is saved to the history (IndexedDB) so that it survives
 * a reload: an attribution as soon as it finishes, a token flow or object vs background
 * result as soon as it arrives, with or without an attribution. A result of an analysis
 * already saved (a token flow after its attribution, an attribution or object vs
 * background result after its token flow) rewrites that record under the same id, date
 * and thumbnail (saved-record.ts). Analyses opened from a link or file are not re-saved.
 */
import { newAnalysisId } from "./history/analysis-record";
import { useHistoryStore, type HistoryStore } from "./history/history-store";
import type { AnalysisPayload, NamedRgbaImage } from "./analysis-payload";
import { useAnalysisStore, type AnalysisStore } from "./analysis-store";
import { savedRecordOf, titleOf } from "./saved-record";
import { thumbnailOf } from "./thumbnail";

/** Whether this change of the analysis store brought a result of a run to keep. */
function isNewResult(
  state: Pick<AnalysisStore, "attribution" | "extras" | "image">,
  previous: Pick<AnalysisStore, "attribution" | "extras" | "image">,
): boolean {
  const done = state.attribution;
  if (done !== previous.attribution && done.status === "done" && done.source === "run") {
    return true;
  }
  // Only results of a run on the shown image (an opened analysis changes the image too).
  if (state.extras === previous.extras || state.image !== previous.image) return false;
  // Results cleared for a new question never erase the saved ones.
  if (!state.extras.flow && !state.extras.patches) return false;
  // Results added to an opened or imported attribution are not saved: it was not made here.
  return done.status !== "done" || done.source === "run";
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
  return useAnalysisStore.subscribe((state, previous) => {
    if (!isNewResult(state, previous)) return;
    const payload = state.payload();
    const image = state.image;
    if (payload === null || image === null) return;
    saving = saving
      .then(() => keep(payload, image, target))
      .catch((error: unknown) => {
        // The history store reports storage failures itself; this is a record it refused.
        console.error("HeadFlow could not save this analysis to the history:", error);
      });
  });
}
