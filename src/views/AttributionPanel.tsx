/**
 * The head heatmap panel: run the attribution and watch the map fill in, or switch to the
 * attention-weight and single-head rankings; pick a head for its detail.
 */
import { useMemo } from "react";
import { flatScores, useAnalysisStore, type AttributionState } from "../store/analysis-store";
import { useBackendStore } from "../store/backend-store";
import { useHeadStore } from "../store/head-store";
import { MODE_LABELS, useRankingStore } from "../store/ranking-store";
import { useSessionStore } from "../store/session-store";
import { AttributionProgress } from "./AttributionProgress";
import { AttributionSettingsForm } from "./AttributionSettingsForm";
import { Heatmap } from "./heatmap/Heatmap";
import { formatDuration } from "./numbers";
import { ScoreModeSwitch } from "./ScoreModeSwitch";

export function AttributionPanel() {
  const backend = useBackendStore((store) => store.state);
  const image = useSessionStore((store) => store.image);
  const attribution = useAnalysisStore((store) => store.attribution);
  const runAttribution = useAnalysisStore((store) => store.runAttribution);
  const cancel = useAnalysisStore((store) => store.cancel);
  const mode = useRankingStore((store) => store.mode);
  const rankings = useRankingStore((store) => store.rankings);
  const selected = useHeadStore((store) => store.selected);
  const select = useHeadStore((store) => store.select);

  const model = backend.status === "ready" ? backend.report.model : null;
  const running = attribution.status === "running";
  const shape =
    attribution.status === "done" ? attribution.result : (model ?? { layers: 0, heads: 0 });
  const attributionScores = useScores(attribution);
  const ranking = mode === "attribution" ? null : rankings[mode];
  const scores =
    mode === "attribution" ? attributionScores : ranking?.status === "done" ? ranking.scores : null;
  const standardErrors = useStandardErrors(attribution);
  const imageName = attribution.status === "done" ? attribution.result.image.name : image?.name;

  return (
    <section className="attribution-panel" aria-labelledby="attribution-title">
      <h2 id="attribution-title">Heads</h2>
      <div className="attribution-actions">
        <button
          type="button"
          disabled={model === null || image === null || running}
          onClick={() => void runAttribution()}
        >
          Run attribution
        </button>
        {image === null && <span className="hint">Choose an image first.</span>}
      </div>
      {model !== null && (
        <AttributionSettingsForm referenceImages={model.referenceImages} disabled={running} />
      )}
      {attribution.status === "running" && (
        <AttributionProgress state={attribution} onCancel={cancel} />
      )}
      {attribution.status === "cancelled" && <p role="status">Attribution cancelled.</p>}
      {attribution.status === "failed" && (
        <p role="alert" className="error">
          Attribution failed: {attribution.message}
        </p>
      )}
      {attribution.status === "done" && (
        <FitSummary state={attribution} loadedModel={model?.id ?? null} />
      )}
      <ScoreModeSwitch disabled={image === null && attribution.status !== "done"} />
      {ranking?.status === "running" && (
        <p role="status">Computing {MODE_LABELS[mode].toLowerCase()}…</p>
      )}
      {ranking?.status === "failed" && (
        <p role="alert" className="error">
          {ranking.message}
        </p>
      )}
      {scores !== null && shape.layers > 0 ? (
        <Heatmap
          layers={shape.layers}
          heads={shape.heads}
          scores={scores}
          label={MODE_LABELS[mode]}
          {...(mode === "attribution" && standardErrors ? { uncertainty: standardErrors } : {})}
          exportName={`headflow-${mode}-${imageName ?? "heads"}`}
          {...(model?.headUnit ? { headUnit: model.headUnit } : {})}
          selected={selected}
          onSelect={(cell) => void select(cell)}
        />
      ) : (
        mode === "attribution" && <p className="hint">Run attribution to fill the map.</p>
      )}
    </section>
  );
}

function useScores(attribution: AttributionState): Float64Array | null {
  return useMemo(() => {
    if (attribution.status === "running") return attribution.scores;
    if (attribution.status === "done") return flatScores(attribution.result);
    return null;
  }, [attribution]);
}

/** The done attribution's per-head standard errors (layer-major, NaN where unknown). */
function useStandardErrors(attribution: AttributionState): Float64Array | null {
  return useMemo(() => {
    if (attribution.status !== "done") return null;
    const errors = attribution.result.standardErrors;
    return errors ? Float64Array.from(errors.flat(), (e) => e ?? Number.NaN) : null;
  }, [attribution]);
}

function FitSummary({
  state,
  loadedModel,
}: {
  state: Extract<AttributionState, { status: "done" }>;
  loadedModel: string | null;
}) {
  const { result, source } = state;
  const otherModel = loadedModel !== null && result.model.id !== loadedModel;
  const r = result.fit.heldOutR;
  return (
    <p className="fit-summary" aria-label="Attribution fit">
      Held-out Pearson r{" "}
      <strong data-testid="held-out-r">{r === null ? "undefined" : r.toFixed(4)}</strong> on{" "}
      {result.fit.heldOutMasks} held-out masks · answer “{result.answer.token}” · {result.target}{" "}
      target · {result.baseline} baseline · {result.settings.samples} samples, alpha{" "}
      {result.settings.alpha}, seed {result.settings.seed} ·{" "}
      <span data-testid="attribution-batch">
        batch {result.batch ? result.batch.reason : result.settings.batchSize}
      </span>
      {source === "run" && ` · ${formatDuration(result.timings.totalMs)} on ${result.runtime}`}
      {source === "link" && " · opened from a saved analysis"}
      {source === "file" && " · imported from a JSON file"}
      {otherModel &&
        ` · made with model ${result.model.id}; this page runs ${loadedModel}, so head detail and recomputation use ${loadedModel}`}
    </p>
  );
}
