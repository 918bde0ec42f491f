/**
 * Keeps the history in step with token flow and object vs background results: when such
 * a result arrives for an attribution this page ran (already saved by history-autosave.ts
 * as soon as it finished), the saved record is rewritten with the fuller payload, under
 * the same id, date, title and thumbnail. Results that arrive before the attribution
 * finishes need nothing: the autosave then writes them with it.
 */
import { useHistoryStore } from "./history/history-store";
import { useAnalysisStore } from "./analysis-store";
import { savedRecordOf } from "./saved-record";

export function startExtrasAutosave(): () => void {
  return useAnalysisStore.subscribe((state, previous) => {
    // Only results of a run on the shown image (an opened analysis changes the image too).
    if (state.extras === previous.extras || state.image !== previous.image) return;
    // Results cleared for a new question never erase the saved ones.
    if (!state.extras.flow && !state.extras.patches) return;
    const done = state.attribution;
    if (done.status !== "done" || done.source !== "run") return;
    const record = savedRecordOf(useHistoryStore.getState().analyses, done.result);
    const payload = state.payload();
    if (record === undefined || payload === null) return;
    void useHistoryStore.getState().save({ ...record, payload });
  });
}
