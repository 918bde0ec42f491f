/**
 * Attention vs causal effect: every head's attention weight (final token -> image) against
 * its attribution, Pearson's r and Spearman's rho, and the heads on which they disagree
 * most, named and selectable like a heatmap cell.
 */
import { useEffect, useMemo, useRef } from "react";
import { attentionVsEffect, formatHead, type AttributionResult, type HeadRef } from "../../engine";
import { useBackendStore } from "../../store/backend-store";
import { useHeadStore } from "../../store/head-store";
import { useSessionStore } from "../../store/session-store";
import { attentionFor, useTrustStore } from "../../store/trust-store";
import { DataExport } from "./DataExport";
import { FigureExport } from "../export/FigureExport";
import { OUTLIER_COLOURS, ScatterPlot } from "./ScatterPlot";
import { attentionEffectCsv } from "./trust-csv";
import { formatCorrelation } from "./trust-format";

export function AttentionEffectView({ attribution }: { attribution: AttributionResult | null }) {
  const backend = useBackendStore((store) => store.state);
  const image = useSessionStore((store) => store.image);
  const question = useSessionStore((store) => store.asked);
  const input = image === null ? null : { image, question };
  const attention = useTrustStore((store) => store.attention);
  const loadAttention = useTrustStore((store) => store.loadAttention);
  const attentionMaps = backend.status === "ready" && backend.report.model.attentionMaps;
  const sameAnalysis =
    attribution !== null &&
    input !== null &&
    attribution.question === input.question &&
    attribution.image.name === input.image.name;
  const current = attentionFor(attention, input);

  useEffect(() => {
    if (attentionMaps && sameAnalysis && !current) void loadAttention();
  }, [attentionMaps, sameAnalysis, current, loadAttention]);

  if (attribution === null)
    return <p className="hint">Run or open an attribution to plot it against attention.</p>;
  if (!attentionMaps) {
    return (
      <p className="hint">
        This model's graphs expose no attention weights, so there is nothing to plot.
      </p>
    );
  }
  if (!sameAnalysis) {
    return (
      <p className="hint">
        The attention weights come from the session's image and question; this attribution is of
        another (or has no image). Run the attribution on the image on show.
      </p>
    );
  }
  if (!current || attention.status === "running")
    return <p role="status">Computing attention weights…</p>;
  if (attention.status === "failed") {
    return (
      <p role="alert" className="error">
        {attention.message}
      </p>
    );
  }
  if (attention.status !== "done") return null;
  return <AttentionEffectResult attribution={attribution} attention={attention.scores} />;
}

function AttentionEffectResult({
  attribution,
  attention,
}: {
  attribution: AttributionResult;
  attention: Float64Array;
}) {
  const result = useMemo(() => attentionVsEffect(attribution, attention), [attribution, attention]);
  const selected = useHeadStore((store) => store.selected);
  const select = useHeadStore((store) => store.select);
  const svgRef = useRef<SVGSVGElement>(null);
  const fileName = `headflow-attention-vs-effect-${attribution.image.name}`;
  const pick = (head: HeadRef) => void select(head);
  const byName = new Map(result.points.map((p) => [p.name, p]));
  const outliers = (names: string[], label: string, colour: string) => (
    <div className="trust-outliers" role="group" aria-label={label}>
      <h4>
        <span className="trust-swatch" style={{ background: colour }} aria-hidden="true" /> {label}
      </h4>
      {names.length === 0 ? (
        <p className="hint">None by this rule.</p>
      ) : (
        <ul>
          {names.map((name) => {
            const p = byName.get(name)!;
            const on = selected !== null && formatHead(selected) === name;
            return (
              <li key={name}>
                <button
                  type="button"
                  aria-pressed={on}
                  aria-label={`Select head ${name}: attention rank ${p.attentionRank}, attribution rank ${p.effectRank}`}
                  onClick={() => pick({ layer: p.layer, head: p.head })}
                >
                  {name}
                </button>{" "}
                attention rank {p.attentionRank}, attribution rank {p.effectRank}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
  return (
    <div className="trust-attention-effect">
      <p aria-label="Attention and attribution agreement">
        Pearson r{" "}
        <strong data-testid="attention-pearson">{formatCorrelation(result.pearson)}</strong>,
        Spearman ρ{" "}
        <strong data-testid="attention-spearman">{formatCorrelation(result.spearman)}</strong> over{" "}
        {result.points.length} heads.
      </p>
      <ScatterPlot ref={svgRef} result={result} selected={selected} onSelect={pick} />
      <p className="hint">
        Named: heads whose two ranks differ by at least {result.rule.minRankGap} places (a quarter
        of the heads), at most {result.rule.listed} each way, largest difference first. Rank 1 is
        the highest value.
      </p>
      <div className="trust-outlier-lists">
        {outliers(
          result.attendsMuchMattersLittle,
          "Attend much, matter little",
          OUTLIER_COLOURS.attends,
        )}
        {outliers(
          result.mattersMuchAttendsLittle,
          "Matter much, attend little",
          OUTLIER_COLOURS.matters,
        )}
      </div>
      <div className="trust-exports">
        <FigureExport
          svgRef={svgRef}
          className="trust-figure-export"
          fileName={fileName}
          title="Attention weight vs attribution"
          what="the scatter"
        />
        <DataExport
          fileName={fileName}
          csv={() => attentionEffectCsv(result)}
          json={() => result}
          what="the scatter"
        />
      </div>
    </div>
  );
}
