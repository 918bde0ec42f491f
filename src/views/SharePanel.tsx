/**
 * Share and keep: copy a permalink (the whole analysis in the URL fragment, with or without
 * an attribution), recompute an opened attribution and compare, export the attribution as
 * the CLI's JSON (or its scores as CSV), import a JSON the CLI wrote.
 */
import { useId, useState } from "react";
import { errorMessage, parseAttributionResult } from "../engine";
import { useAnalysisStore } from "../store/analysis-store";
import { permalinkUrl } from "../store/permalink-location";
import { useSessionStore } from "../store/session-store";
import { shownPayload, useShareable } from "../store/shown-analysis";
import { downloadText, safeFileName } from "./download";
import { scoresCsv } from "./scores-csv";

export function SharePanel() {
  const importId = useId();
  const attribution = useAnalysisStore((store) => store.attribution);
  const image = useSessionStore((store) => store.image);
  // A token flow or object vs background result alone is shareable too (no attribution).
  const shareable = useShareable();
  const comparison = useAnalysisStore((store) => store.comparison);
  const linkError = useAnalysisStore((store) => store.linkError);
  const recompute = useAnalysisStore((store) => store.recompute);
  const openFile = useAnalysisStore((store) => store.openAttributionFile);
  const [link, setLink] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const done = attribution.status === "done" ? attribution : null;

  const copyPermalink = async () => {
    const current = shownPayload();
    if (current === null) return;
    const url = permalinkUrl(current);
    setLink(url);
    // The address bar shows the link too; replaceState fires no hashchange (no re-open).
    window.history.replaceState(null, "", url);
    try {
      await navigator.clipboard.writeText(url);
      setNote(`Copied (${url.length.toLocaleString()} characters).`);
    } catch {
      setNote("The browser did not allow copying; copy the link from the box.");
    }
  };

  const importJson = async (file: File) => {
    try {
      openFile(parseAttributionResult(JSON.parse(await file.text())));
      setNote(`Opened ${file.name}.`);
    } catch (error) {
      setNote(`${file.name} could not be opened: ${errorMessage(error)}`);
    }
  };

  return (
    <section className="share-panel" aria-labelledby="share-title">
      <h2 id="share-title">Share</h2>
      {linkError !== null && (
        <p role="alert" className="error" aria-label="Permalink problem">
          {linkError}
        </p>
      )}
      <div className="share-actions">
        <button type="button" disabled={!shareable} onClick={() => void copyPermalink()}>
          Copy permalink
        </button>
        <button
          type="button"
          disabled={done === null}
          onClick={() =>
            done &&
            downloadText(
              `${JSON.stringify(done.result, null, 2)}\n`,
              `headflow-attribution-${safeFileName(done.result.image.name)}.json`,
              "application/json",
            )
          }
        >
          Export JSON
        </button>
        <button
          type="button"
          disabled={done === null}
          onClick={() =>
            done &&
            downloadText(
              scoresCsv(done.result),
              `headflow-scores-${safeFileName(done.result.image.name)}.csv`,
              "text/csv",
            )
          }
        >
          Export CSV
        </button>
        <label htmlFor={importId} className="file-button">
          Import JSON
        </label>
        <input
          id={importId}
          type="file"
          accept="application/json,.json"
          className="visually-hidden"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = "";
            if (file !== undefined) void importJson(file);
          }}
        />
      </div>
      {link !== null && (
        <input
          type="text"
          readOnly
          aria-label="Permalink"
          value={link}
          onFocus={(event) => event.currentTarget.select()}
        />
      )}
      {note !== null && <p role="status">{note}</p>}
      {done?.source === "link" && image !== null && (
        <div className="recompute">
          <button
            type="button"
            disabled={comparison?.status === "running"}
            onClick={() => void recompute()}
          >
            Recompute and compare
          </button>
          {comparison?.status === "running" && <p role="status">Recomputing…</p>}
          {comparison?.status === "failed" && (
            <p role="alert" className="error">
              {comparison.message}
            </p>
          )}
          {comparison?.status === "done" && (
            <p role="status" aria-label="Comparison">
              Recomputed here: the largest score difference is{" "}
              <strong>{comparison.maxDifference.toExponential(2)}</strong>
              {comparison.maxDifference === 0 ? " (identical)" : ""}; held-out r{" "}
              {comparison.heldOutR === null ? "undefined" : comparison.heldOutR.toFixed(4)}.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
