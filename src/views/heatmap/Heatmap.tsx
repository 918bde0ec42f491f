/**
 * The head heatmap: layers x heads coloured by a score (attribution, attention weight or
 * single-head ablation), filling in live as scores arrive. React owns the container and the
 * tooltip; d3 owns the <svg>'s content (see draw.ts), so a new score vector repaints only
 * the cells that changed instead of re-rendering 1,600 elements.
 *
 * Pass a new array object for every update (copy-on-write): the map repaints when the
 * `scores` or `uncertainty` object changes, not when an array is mutated in place.
 */
import { memo, useId, useLayoutEffect, useMemo, useRef, useState } from "react";
import {
  drawFrame,
  drawLegend,
  labelGrid,
  markSelected,
  paintScores,
  type HeatmapFrame,
} from "./draw";
import { divergingScale, maxAbsScore } from "./heatmap-colour";
import { cellIndex, cellRect, computeLayout, type HeatmapCell } from "./heatmap-geometry";
import { tooltipLines, UNIT_WORDS, type HeadUnit } from "./heatmap-text";
import { FigureExport } from "../export/FigureExport";
import { UNCERTAIN_Z } from "./heatmap-uncertainty";
import { useSelection } from "./useSelection";
import "./heatmap.css";

export interface HeatmapProps {
  layers: number;
  heads: number;
  /** One score per head in layer-major order (layer * heads + head); NaN = not computed yet. */
  scores: ArrayLike<number>;
  /** The scores' uncertainty (e.g. a standard error), same shape; NaN where unknown. */
  uncertainty?: ArrayLike<number>;
  /** What the scores are, e.g. "Attribution", "Attention weight", "Single-head ablation". */
  label: string;
  selected?: HeatmapCell | null;
  onSelect?: (cell: HeatmapCell) => void;
  /** Base of the exported files' names (without extension); no export buttons when absent. */
  exportName?: string;
  /** "group" when the columns are key/value groups (third-party models with GQA). */
  headUnit?: HeadUnit;
}

export const Heatmap = memo(function Heatmap(props: HeatmapProps) {
  const { layers, heads, scores, uncertainty, label, onSelect, exportName } = props;
  const selected = props.selected ?? null;
  const unit = props.headUnit ?? "head";
  const layout = useMemo(() => computeLayout(layers, heads), [layers, heads]);
  const svgRef = useRef<SVGSVGElement>(null);
  const frameRef = useRef<HeatmapFrame | null>(null);
  const previousSelection = useRef<HeatmapCell | null>(null);
  const tooltipId = useId();

  const expected = layers * heads;
  const shapeProblem =
    scores.length !== expected
      ? `scores has ${scores.length} values; a ${layers} x ${heads} model needs ${expected}`
      : uncertainty !== undefined && uncertainty.length !== expected
        ? `uncertainty has ${uncertainty.length} values; a ${layers} x ${heads} model needs ${expected}`
        : null;
  const extent = useMemo(() => maxAbsScore(scores), [scores]);
  const hasUncertainty = useMemo(() => anyFinite(uncertainty), [uncertainty]);
  const [fadeChoice, setFadeChoice] = useState(true);
  const fade = fadeChoice && hasUncertainty;

  // The effects below run in order: the frame exists before it is painted or marked.
  useLayoutEffect(() => {
    if (svgRef.current === null) return;
    frameRef.current = drawFrame(svgRef.current, layout, unit);
    previousSelection.current = null;
  }, [layout, unit]);

  useLayoutEffect(() => {
    const frame = frameRef.current;
    if (frame !== null) labelGrid(frame, label, unit);
  }, [layout, label, unit]);

  useLayoutEffect(() => {
    const frame = frameRef.current;
    if (frame === null || shapeProblem !== null) return;
    paintScores(frame, scores, uncertainty, extent, fade);
  }, [layout, scores, uncertainty, extent, shapeProblem, fade]);

  useLayoutEffect(() => {
    const frame = frameRef.current;
    if (frame !== null) drawLegend(frame, divergingScale(extent), label, fade);
  }, [layout, extent, label, fade]);

  useLayoutEffect(() => {
    const frame = frameRef.current;
    if (frame === null) return;
    const inGrid = selected !== null && selected.layer < layers && selected.head < heads;
    const next = inGrid ? selected : null;
    markSelected(frame, previousSelection.current, next);
    previousSelection.current = next;
  }, [layout, selected, layers, heads]);

  const { described, handlers } = useSelection({
    layout,
    frameRef,
    selected,
    onSelect,
    tooltipId,
  });

  let tooltip = null;
  if (described !== null && shapeProblem === null) {
    const index = cellIndex(layout, described);
    const lines = tooltipLines(
      described,
      label,
      scores[index] ?? Number.NaN,
      uncertainty?.[index],
      unit,
    );
    const rect = cellRect(layout, described);
    // Beside the cell, towards the side with more room, so it never covers the cell or
    // spills out of the map's scrolling box.
    const horizontal =
      described.head < heads / 2
        ? { left: rect.x + rect.width + 6 }
        : { right: layout.width - rect.x + 6 };
    const vertical =
      described.layer < layers / 2
        ? { top: rect.y + rect.height + 6 }
        : { bottom: layout.height - rect.y + 6 };
    const position = { ...horizontal, ...vertical };
    tooltip = (
      <div id={tooltipId} className="heatmap-tooltip" role="tooltip" style={position}>
        <strong>{lines.title}</strong>
        <span>{lines.value}</span>
        {lines.note !== undefined && <span className="heatmap-tooltip-note">{lines.note}</span>}
      </div>
    );
  }

  const showTools = hasUncertainty || exportName !== undefined;
  return (
    <figure className="heatmap">
      {showTools && (
        <div className="heatmap-tools">
          {hasUncertainty && (
            <label>
              <input
                type="checkbox"
                checked={fadeChoice}
                onChange={(event) => setFadeChoice(event.currentTarget.checked)}
              />{" "}
              Fade heads within {UNCERTAIN_Z} standard errors of 0
            </label>
          )}
          {exportName !== undefined && (
            <FigureExport
              className="heatmap-export"
              svgRef={svgRef}
              fileName={exportName}
              title={`${label} by layer and ${UNIT_WORDS[unit].grid}`}
            />
          )}
        </div>
      )}
      {shapeProblem !== null && (
        <p className="heatmap-problem" role="alert">
          The heatmap cannot be drawn: {shapeProblem}.
        </p>
      )}
      <div className="heatmap-scroll">
        {/* Sized like the SVG, so the tooltip is placed in the SVG's coordinates. */}
        <div className="heatmap-stage" style={{ width: layout.width, height: layout.height }}>
          <svg ref={svgRef} className="heatmap-svg" {...handlers} />
          {tooltip}
        </div>
      </div>
    </figure>
  );
});

function anyFinite(values: ArrayLike<number> | undefined): boolean {
  if (values === undefined) return false;
  for (let index = 0; index < values.length; index++) {
    if (Number.isFinite(values[index])) return true;
  }
  return false;
}
