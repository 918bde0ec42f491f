/**
 * Two results side by side: the attribution on show (A) and a second one (B) opened from
 * a JSON file (an attribution or a `headflow sets` result) or from the history. Depth is
 * relative (layer / layers), so models of different depth line up; where the grids match,
 * the top-k overlap, the rank correlation and the difference map B - A are shown too.
 */
import { useMemo } from "react";
import {
  compareResults,
  errorMessage,
  parseAttributionResult,
  type AttributionResult,
  type CompareResult,
  type CompareSide,
  type ComparedInput,
} from "../../engine";
import { useHeadStore } from "../../store/head-store";
import { useHistoryStore } from "../../store/history/history-store";
import { useTrustStore } from "../../store/trust-store";
import { Heatmap } from "../heatmap/Heatmap";
import { DataExport } from "./DataExport";
import { compareCsv } from "./trust-csv";
import { formatCorrelation, formatNumber, formatOverlap } from "./trust-format";

export function CompareView({ attribution }: { attribution: AttributionResult | null }) {
  const second = useTrustStore((store) => store.second);
  const secondError = useTrustStore((store) => store.secondError);
  const openSecond = useTrustStore((store) => store.openSecond);
  const clearSecond = useTrustStore((store) => store.clearSecond);
  const comparison = useMemo(() => {
    if (attribution === null || second === null) return null;
    try {
      const a: ComparedInput = { kind: "attribution", result: attribution };
      return { result: compareResults(a, second.input) };
    } catch (error) {
      return { problem: errorMessage(error) };
    }
  }, [attribution, second]);

  return (
    <div className="trust-compare">
      <p className="hint">
        A is the attribution on show; B is a second attribution or image-sets result: another model,
        image or question.
      </p>
      <div className="trust-actions">
        <label className="trust-file">
          Open second result (JSON)
          <input
            type="file"
            accept="application/json,.json"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = "";
              if (file) void file.text().then((text) => openSecond(text, file.name));
            }}
          />
        </label>
        <HistoryPicker />
        {second !== null && (
          <button type="button" onClick={clearSecond}>
            Clear B
          </button>
        )}
      </div>
      {secondError !== null && (
        <p role="alert" className="error">
          {secondError}
        </p>
      )}
      {attribution === null && <p className="hint">Run or open an attribution to be A.</p>}
      {second !== null && <p>B: {second.from}</p>}
      {comparison && "problem" in comparison && (
        <p role="alert" className="error">
          {comparison.problem}
        </p>
      )}
      {comparison && "result" in comparison && comparison.result && (
        <CompareResultView result={comparison.result} />
      )}
    </div>
  );
}

/** Attributions kept in the history, offered as B. */
function HistoryPicker() {
  const analyses = useHistoryStore((store) => store.analyses);
  const takeSecond = useTrustStore((store) => store.takeSecond);
  const withAttribution = analyses.filter((a) => {
    const attribution = a.payload["attribution"];
    return typeof attribution === "object" && attribution !== null;
  });
  if (withAttribution.length === 0) return null;
  return (
    <label>
      Or B from history{" "}
      <select
        value=""
        onChange={(event) => {
          const chosen = withAttribution.find((a) => a.id === event.target.value);
          if (!chosen) return;
          try {
            takeSecond(parseAttributionResult(chosen.payload["attribution"]), chosen.title);
          } catch (error) {
            useTrustStore.setState({
              secondError: `${chosen.title} could not be opened: ${errorMessage(error)}`,
            });
          }
        }}
      >
        <option value="">Choose a saved analysis…</option>
        {withAttribution.map((a) => (
          <option key={a.id} value={a.id}>
            {a.title}
          </option>
        ))}
      </select>
    </label>
  );
}

function sideTitle(side: CompareSide): string {
  const what = side.kind === "sets" ? `set ${side.set}` : side.image;
  return `${side.model.id} · ${what} · “${side.question}”`;
}

function CompareResultView({ result }: { result: CompareResult }) {
  const selected = useHeadStore((store) => store.selected);
  const select = useHeadStore((store) => store.select);
  const fileName = `headflow-compare-${result.a.image ?? result.a.set}-${result.b.image ?? result.b.set}`;
  const flat = (grid: number[][]) => Float64Array.from(grid.flat());
  const headSelection = result.sameGrid
    ? { selected, onSelect: (cell: { layer: number; head: number }) => void select(cell) }
    : {};
  return (
    <div className="trust-compare-result">
      <p aria-label="Comparison summary">
        {result.sameGrid ? (
          <>
            Top-{result.topK} overlap{" "}
            <strong data-testid="compare-overlap">
              {formatOverlap(result.topKOverlap!, result.topK)}
            </strong>
            , Spearman ρ {formatCorrelation(result.spearman)}, Pearson r{" "}
            {formatCorrelation(result.pearson)}, largest difference{" "}
            {formatNumber(result.maxAbsDifference!)}.
            {!result.sameModel &&
              " Two models with the same grid: a head index names the same place, not the same head."}
          </>
        ) : (
          <>
            The grids differ ({result.a.layers} x {result.a.heads} and {result.b.layers} x{" "}
            {result.b.heads}): heads are compared by relative depth only.
          </>
        )}
      </p>
      <div className="trust-sides">
        {(["a", "b"] as const).map((key) => {
          const side = result[key];
          return (
            <figure key={key} className="trust-side" aria-label={`Result ${key.toUpperCase()}`}>
              <figcaption>
                {key.toUpperCase()}: {sideTitle(side)}
              </figcaption>
              <Heatmap
                layers={side.layers}
                heads={side.heads}
                scores={flat(side.scores)}
                label={`${key.toUpperCase()} attribution`}
                exportName={`${fileName}-${key}`}
                {...headSelection}
              />
              <p>
                Top-{result.topK} mean relative depth{" "}
                <strong>{side.topDepthMean.toFixed(2)}</strong> (layer / layers; 0 = first layer)
              </p>
              <ol aria-label={`Top ${result.topK} heads of ${key.toUpperCase()}`}>
                {side.top.map((t) => (
                  <li key={t.name}>
                    {t.name} · depth {t.depth.toFixed(2)} · {formatNumber(t.score)}
                  </li>
                ))}
              </ol>
            </figure>
          );
        })}
      </div>
      {result.difference !== null && (
        <figure className="trust-difference" aria-label="Difference B minus A">
          <figcaption>Difference B − A</figcaption>
          <Heatmap
            layers={result.a.layers}
            heads={result.a.heads}
            scores={flat(result.difference)}
            label="Difference B − A"
            exportName={`${fileName}-difference`}
            {...headSelection}
          />
        </figure>
      )}
      <div className="trust-exports">
        <DataExport
          fileName={fileName}
          csv={() => compareCsv(result)}
          json={() => result}
          what="the comparison"
        />
      </div>
    </div>
  );
}
