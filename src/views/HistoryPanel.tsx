/**
 * Analyses saved in this browser (IndexedDB): each can be reopened or deleted. Nothing here
 * leaves the device.
 */
import { useEffect } from "react";
import type { StoredAnalysis } from "../store/history/analysis-record";
import { useHistoryStore } from "../store/history/history-store";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function HistoryPanel({ onOpen }: { onOpen(analysis: StoredAnalysis): void }) {
  const state = useHistoryStore((store) => store.state);
  const analyses = useHistoryStore((store) => store.analyses);
  const unreadable = useHistoryStore((store) => store.unreadable);
  const load = useHistoryStore((store) => store.load);
  const remove = useHistoryStore((store) => store.remove);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="history-panel" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {state.status === "loading" && <p role="status">Reading saved analyses…</p>}
      {state.status === "failed" && <p role="alert">{state.message}</p>}
      {state.status === "ready" && analyses.length === 0 && (
        <p className="history-empty">No saved analyses yet. They are kept in this browser only.</p>
      )}
      {analyses.length > 0 && (
        <ul className="history-list">
          {analyses.map((analysis) => (
            <li key={analysis.id} className="history-item">
              <img src={analysis.thumbnail} alt="" width={48} height={48} />
              <div className="history-text">
                <span className="history-title">{analysis.title}</span>
                <time dateTime={new Date(analysis.createdAt).toISOString()}>
                  {dateFormat.format(analysis.createdAt)}
                </time>
              </div>
              <button
                type="button"
                aria-label={`Open ${analysis.title}`}
                onClick={() => onOpen(analysis)}
              >
                Open
              </button>
              <button
                type="button"
                aria-label={`Delete ${analysis.title}`}
                onClick={() => void remove(analysis.id)}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      {unreadable > 0 && (
        <p className="history-note">
          {unreadable === 1
            ? "1 saved analysis could not be read (made by another version of HeadFlow?)."
            : `${unreadable} saved analyses could not be read (made by another version of HeadFlow?).`}
        </p>
      )}
    </section>
  );
}
