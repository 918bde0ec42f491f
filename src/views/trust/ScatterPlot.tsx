/**
 * Attention weight (x) against attribution (y), one point per head, drawn as React SVG
 * with d3 scales. Outliers are coloured by which way the two scores disagree; the selected
 * head is ringed. A click on a point selects that head (the heatmap's selection).
 */
import { extent, scaleLinear } from "d3";
import { forwardRef } from "react";
import type { AttentionEffect, HeadRef } from "../../engine";
import { formatNumber } from "./trust-format";

export const SCATTER = {
  width: 380,
  height: 280,
  margin: { top: 12, right: 12, bottom: 40, left: 56 },
};

export const OUTLIER_COLOURS = {
  attends: "#d35400",
  matters: "#6c3483",
  other: "#7f8c9a",
} as const;

export const ScatterPlot = forwardRef<
  SVGSVGElement,
  { result: AttentionEffect; selected: HeadRef | null; onSelect: (head: HeadRef) => void }
>(function ScatterPlot({ result, selected, onSelect }, ref) {
  const { width, height, margin } = SCATTER;
  const [xLow = 0, xHigh = 1] = extent(result.points, (p) => p.attention);
  const [yLow = 0, yHigh = 1] = extent(result.points, (p) => p.effect);
  const x = scaleLinear()
    .domain([Math.min(0, xLow), xHigh === xLow ? xLow + 1 : xHigh])
    .nice()
    .range([margin.left, width - margin.right]);
  const y = scaleLinear()
    .domain([Math.min(0, yLow), Math.max(0, yHigh === yLow ? yLow + 1 : yHigh)])
    .nice()
    .range([height - margin.bottom, margin.top]);
  const attends = new Set(result.attendsMuchMattersLittle);
  const matters = new Set(result.mattersMuchAttendsLittle);
  const colour = (name: string) =>
    attends.has(name)
      ? OUTLIER_COLOURS.attends
      : matters.has(name)
        ? OUTLIER_COLOURS.matters
        : OUTLIER_COLOURS.other;
  const isSelected = (layer: number, head: number) =>
    selected !== null && selected.layer === layer && selected.head === head;
  return (
    <svg
      ref={ref}
      className="trust-scatter"
      width={width}
      height={height}
      role="img"
      aria-label={`Attention weight against attribution for ${result.points.length} heads`}
    >
      <line x1={x.range()[0]} x2={x.range()[1]} y1={y(0)} y2={y(0)} stroke="#c5cad3" />
      {x.ticks(5).map((t) => (
        <g key={`x${t}`} transform={`translate(${x(t)},${height - margin.bottom})`}>
          <line y2={4} stroke="#4a5260" />
          <text y={16} textAnchor="middle" fontSize={10} fill="#4a5260">
            {formatNumber(t)}
          </text>
        </g>
      ))}
      {y.ticks(5).map((t) => (
        <g key={`y${t}`} transform={`translate(${margin.left},${y(t)})`}>
          <line x2={-4} stroke="#4a5260" />
          <text x={-7} dy="0.32em" textAnchor="end" fontSize={10} fill="#4a5260">
            {formatNumber(t)}
          </text>
        </g>
      ))}
      <text
        x={(margin.left + width - margin.right) / 2}
        y={height - 6}
        textAnchor="middle"
        fontSize={11}
        fill="#1d2430"
      >
        Attention weight (final token → image)
      </text>
      <text
        transform={`translate(14,${(margin.top + height - margin.bottom) / 2}) rotate(-90)`}
        textAnchor="middle"
        fontSize={11}
        fill="#1d2430"
      >
        Attribution ({result.target})
      </text>
      {result.points.map((p) => (
        <circle
          key={p.name}
          className="trust-point"
          data-head={p.name}
          cx={x(p.attention)}
          cy={y(p.effect)}
          r={isSelected(p.layer, p.head) ? 6 : 4}
          fill={colour(p.name)}
          fillOpacity={0.8}
          stroke={isSelected(p.layer, p.head) ? "#111111" : "none"}
          strokeWidth={2}
          onClick={() => onSelect({ layer: p.layer, head: p.head })}
        >
          <title>
            {`Head ${p.name}: attention ${formatNumber(p.attention)} (rank ${p.attentionRank}), attribution ${formatNumber(p.effect)} (rank ${p.effectRank})`}
          </title>
        </circle>
      ))}
    </svg>
  );
});
