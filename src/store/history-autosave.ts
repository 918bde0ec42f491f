/**
 * Every attribution run on this page is saved to the history (IndexedDB) as soon as it
 * finishes, so it survives a reload; analyses opened from a link or file are not re-saved.
 */
import { newAnalysisId } from "./history/analysis-record";
import { useHistoryStore } from "./history/history-store";
import { useAnalysisStore } from "./analysis-store";
import { thumbnailOf } from "./thumbnail";

export function startHistoryAutosave(): () => void {
  return useAnalysisStore.subscribe((state, previous) => {
    const done = state.attribution;
    if (done === previous.attribution || done.status !== "done" || done.source !== "run") return;
    const payload = state.payload();
    if (payload === null || state.image === null) return;
    const title = `${done.result.answer.token} — ${payload.image.name}`;
    void thumbnailOf(state.image).then((thumbnail) =>
      useHistoryStore.getState().save({
        id: newAnalysisId(),
        createdAt: Date.now(),
        title,
        thumbnail,
        payload,
      }),
    );
  });
}
