/**
 * A sets result (run here or opened from `headflow sets` JSON): per-set mean heatmaps with
 * their standard errors, the similarity matrix, the semantic-vs-appearance test, and every
 * image's answer and fit. Read-only: everything is drawn from the result object alone.
 */
import { useMemo } from "react";
import type { SetsResult } from "../../engine";
import { Heatmap } from "../heatmap/Heatmap";
import { formatDuration } from "../numbers";
import { SemanticSummary } from "./SemanticSummary";
import { SimilarityMatrix } from "./SimilarityMatrix";

export function SetsResults({ result, source }: { result: SetsResult; source: "run" | "file" }) {
  return (
    <div className="sets-results" data-testid="sets-results">
      <p className="fit-summary">
        {result.images.length} images in {result.sets.length}{" "}
        {result.sets.length === 1 ? "set" : "sets"} · {result.question} · {result.target} target ·{" "}
        {result.baseline} baseline · {result.settings.samples} samples, alpha{" "}
        {result.settings.alpha}, seed {result.settings.seed} · model {result.model.id}
        {source === "run"
          ? ` · ${formatDuration(result.timings.totalMs)} on ${result.runtime}`
          : " · opened from a JSON file"}
      </p>
      <div className="set-heatmaps">
        {result.sets.map((set) => (
          <SetHeatmap key={set.name} result={result} set={set} />
        ))}
      </div>
      <SimilarityMatrix result={result} />
      <SemanticSummary result={result} />
      <ImageTable result={result} />
    </div>
  );
}

function SetHeatmap({ result, set }: { result: SetsResult; set: SetsResult["sets"][number] }) {
  const scores = useMemo(() => Float64Array.from(set.mean.flat()), [set]);
  const errors = useMemo(
    () => Float64Array.from(set.standardError.flat(), (e) => (e === null ? Number.NaN : e)),
    [set],
  );
  return (
    <section className="set-heatmap" aria-label={`Set ${set.name} heatmap`}>
      <h3>
        {set.name} <span className="hint">({set.count} images; hover: mean ± standard error)</span>
      </h3>
      <Heatmap
        layers={result.layers}
        heads={result.heads}
        scores={scores}
        uncertainty={errors}
        label={`Mean attribution of set ${set.name}`}
      />
    </section>
  );
}

function ImageTable({ result }: { result: SetsResult }) {
  return (
    <details className="set-images">
      <summary>Images ({result.images.length})</summary>
      <table>
        <thead>
          <tr>
            <th>File</th>
            <th>Set</th>
            <th>Category</th>
            <th>Style</th>
            <th>Answer</th>
            <th>Held-out r</th>
          </tr>
        </thead>
        <tbody>
          {result.images.map((image) => (
            <tr key={image.index}>
              <td>{image.file}</td>
              <td>{image.set}</td>
              <td>{image.category ?? "—"}</td>
              <td>{image.style ?? "—"}</td>
              <td>{image.answer}</td>
              <td>{image.heldOutR === null ? "undefined" : image.heldOutR.toFixed(3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
