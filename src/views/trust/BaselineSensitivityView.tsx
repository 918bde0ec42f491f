/**
 * Baseline sensitivity: the attribution run again under each chosen baseline with the
 * same masks (same samples, alpha and seed), and how much the ranking moves: Spearman's
 * rho, Pearson's r and the top-k overlap of every pair, and the heads whose rank moves
 * most. The baselines: the mean of the reference images, a blank gray image, and an image
 * the user chooses (BaselineImagePicker). A `headflow attribute --baselines` JSON opens
 * here too. A permalink whose comparison had been run runs it again here, when shown.
 */
import { useEffect, useRef } from "react";
import { formatHead, type BaselinesResult, type HeadRef } from "../../engine";
import { useHeadStore } from "../../store/head-store";
import { useSessionStore } from "../../store/session-store";
import { UI_BASELINES, useTrustStore } from "../../store/trust-store";
import { BaselineImagePicker } from "./BaselineImagePicker";
import { DataExport } from "./DataExport";
import { FigureExport } from "../export/FigureExport";
import { RankShiftChart } from "./RankShiftChart";
import { baselinesCsv } from "./trust-csv";
import { formatCorrelation, formatOverlap } from "./trust-format";

const BASELINE_LABELS: Record<(typeof UI_BASELINES)[number], string> = {
  mean: "Mean of the reference images (mean)",
  blank: "Blank gray image (blank)",
  image: "The chosen baseline image (image)",
};

/** How many of the most-moved heads are named and drawn in colour. */
const MOVERS = 8;

export function BaselineSensitivityView() {
  const image = useSessionStore((store) => store.image);
  const settings = useSessionStore((store) => store.settings);
  const baselines = useTrustStore((store) => store.baselines);
  const setBaselines = useTrustStore((store) => store.setBaselines);
  const run = useTrustStore((store) => store.baselineRun);
  const runBaselines = useTrustStore((store) => store.runBaselines);
  const cancel = useTrustStore((store) => store.cancelBaselines);
  const openFile = useTrustStore((store) => store.openBaselinesFile);
  const baselineImage = useTrustStore((store) => store.baselineImage);
  const running = run.status === "running";
  // An opened link's comparison, run again once there is an image to run it on.
  const queued = run.status === "queued" && image !== null && run.of.image === image;
  useEffect(() => {
    if (queued) void runBaselines();
  }, [queued, runBaselines]);
  const toggle = (baseline: (typeof UI_BASELINES)[number], on: boolean) =>
    setBaselines(on ? [...baselines, baseline] : baselines.filter((b) => b !== baseline));

  return (
    <div className="trust-baselines">
      <fieldset disabled={running}>
        <legend>Baselines to compare</legend>
        {UI_BASELINES.map((baseline) => (
          <label key={baseline}>
            <input
              type="checkbox"
              checked={baselines.includes(baseline)}
              disabled={baseline === "image" && baselineImage === null}
              onChange={(event) => toggle(baseline, event.target.checked)}
            />
            {BASELINE_LABELS[baseline]}
          </label>
        ))}
        <BaselineImagePicker disabled={running} />
      </fieldset>
      <p className="hint">
        Same masks under each: {settings.samples} samples, alpha {settings.alpha}, seed{" "}
        {settings.seed}. The CLI computes the same:{" "}
        <code>headflow attribute --baselines mean,blank,image:FILE</code>; its JSON opens here.
      </p>
      <div className="trust-actions">
        <button
          type="button"
          disabled={image === null || running || baselines.length < 2}
          onClick={() => void runBaselines()}
        >
          Run under each baseline
        </button>
        {running && (
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        )}
        <label className="trust-file">
          Open baselines JSON
          <input
            type="file"
            accept="application/json,.json"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = "";
              if (file) void file.text().then((text) => openFile(text, file.name));
            }}
          />
        </label>
      </div>
      {image === null && <p className="hint">Choose an image first.</p>}
      {run.status === "running" && (
        <p role="status">
          Baseline {run.index + 1} of {run.labels.length} ({run.labels[run.index]}): {run.done} of{" "}
          {run.total} masks
        </p>
      )}
      {run.status === "queued" && image !== null && run.of.image !== image && (
        <p className="hint">The opened link&apos;s baseline comparison was of another image.</p>
      )}
      {run.status === "cancelled" && <p role="status">Baseline comparison cancelled.</p>}
      {run.status === "failed" && (
        <p role="alert" className="error">
          {run.message}
        </p>
      )}
      {run.status === "done" && <BaselinesResultView result={run.result} />}
    </div>
  );
}

function BaselinesResultView({ result }: { result: BaselinesResult }) {
  const selected = useHeadStore((store) => store.selected);
  const select = useHeadStore((store) => store.select);
  const svgRef = useRef<SVGSVGElement>(null);
  const movers = result.heads.slice(0, MOVERS).filter((h) => h.rankSpread > 0);
  const moverNames = new Set(movers.map((h) => h.name));
  const pick = (head: HeadRef) => void select(head);
  const fileName = `headflow-baselines-${result.attributions[0]!.image.name}`;
  return (
    <div className="trust-baselines-result">
      <p>
        Of {result.attributions[0]!.image.name}, “{result.attributions[0]!.question}” (answer “
        {result.attributions[0]!.answer.token}”), {result.attributions[0]!.settings.samples}{" "}
        samples, seed {result.attributions[0]!.settings.seed}.
      </p>
      <table aria-label="Agreement between baselines">
        <thead>
          <tr>
            <th scope="col">Baselines</th>
            <th scope="col">Spearman ρ</th>
            <th scope="col">Pearson r</th>
            <th scope="col">Top-{result.topK} overlap</th>
          </tr>
        </thead>
        <tbody>
          {result.pairs.map((pair) => (
            <tr key={`${pair.a}/${pair.b}`}>
              <th scope="row">
                {pair.a} vs {pair.b}
              </th>
              <td>{formatCorrelation(pair.spearman)}</td>
              <td>{formatCorrelation(pair.pearson)}</td>
              <td>{formatOverlap(pair.topKOverlap, result.topK)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <RankShiftChart
        ref={svgRef}
        result={result}
        movers={moverNames}
        selected={selected}
        onSelect={pick}
      />
      <div role="group" aria-label="Heads whose rank moves most">
        <h4>Heads whose rank moves most</h4>
        {movers.length === 0 ? (
          <p className="hint">No head changes rank.</p>
        ) : (
          <ul>
            {movers.map((h) => (
              <li key={h.name}>
                <button
                  type="button"
                  aria-pressed={selected !== null && formatHead(selected) === h.name}
                  aria-label={`Select head ${h.name}: rank ${h.ranks.join(", ")} under ${result.baselines.join(", ")}`}
                  onClick={() => pick({ layer: h.layer, head: h.head })}
                >
                  {h.name}
                </button>{" "}
                rank {h.ranks.join(" → ")} (moves {h.rankSpread})
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="trust-exports">
        <FigureExport
          svgRef={svgRef}
          className="trust-figure-export"
          fileName={fileName}
          title="Head ranks under each baseline"
          what="the rank chart"
        />
        <DataExport
          fileName={fileName}
          csv={() => baselinesCsv(result)}
          json={() => result}
          what="the baseline comparison"
        />
      </div>
    </div>
  );
}
