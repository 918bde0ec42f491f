/**
 * The knockout curves into one target group: for each source group, the relative change
 * of the answer probability as the blocked window slides up the layers (x: the window's
 * first layer). Drawn as React SVG with d3 scales, like the ranking curves.
 */
import { line, max, min, scaleLinear } from "d3";
import type { FlowResult, TokenGroup } from "../../engine";
import {
  GROUP_COLOURS,
  GROUP_LABELS,
  curvesInto,
  formatPercentChange,
  windowLabel,
} from "./flow-geometry";

const WIDTH = 360;
const HEIGHT = 190;
const MARGIN = { top: 10, right: 10, bottom: 28, left: 48 };

export function FlowCurves({
  result,
  target,
  start,
}: {
  result: FlowResult;
  target: TokenGroup;
  start: number;
}) {
  const curves = curvesInto(result.curves, target);
  const values = curves.flatMap((c) => c.change.filter(Number.isFinite));
  const x = scaleLinear()
    .domain([0, Math.max(1, result.layers - 1)])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const y = scaleLinear()
    .domain([Math.min(0, min(values) ?? 0), Math.max(0, max(values) ?? 0)])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const path = line<number>()
    .defined(Number.isFinite)
    .x((_, l) => x(l))
    .y((v) => y(v));
  const [low, high] = y.domain() as [number, number];
  return (
    <figure className="flow-curves">
      <svg
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-label={`Change of the answer probability when ${GROUP_LABELS[target]} cannot read each earlier group, by first layer of the window`}
      >
        <line
          x1={x(start)}
          x2={x(start)}
          y1={MARGIN.top}
          y2={y(low)}
          stroke="#e3e6ec"
          strokeWidth={6}
        />
        <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(0)} y2={y(0)} stroke="#c3c9d3" />
        {curves.map((curve) => (
          <path
            key={curve.source}
            d={path(curve.change) ?? ""}
            fill="none"
            stroke={GROUP_COLOURS[curve.source]}
            strokeWidth={2}
            data-source={curve.source}
          />
        ))}
        <text x={MARGIN.left - 4} y={y(high) + 4} textAnchor="end" fontSize={10}>
          {formatPercentChange(high)}
        </text>
        <text x={MARGIN.left - 4} y={y(low) + 4} textAnchor="end" fontSize={10}>
          {formatPercentChange(low)}
        </text>
        <text x={x(0)} y={HEIGHT - 8} fontSize={10}>
          layer 0
        </text>
        <text x={x(result.layers - 1)} y={HEIGHT - 8} textAnchor="end" fontSize={10}>
          {result.layers - 1}
        </text>
      </svg>
      <ul className="curve-legend" aria-label={`Curves into ${GROUP_LABELS[target]}`}>
        {curves.map((curve) => (
          <li key={curve.source} data-source={curve.source}>
            <span className="swatch" style={{ background: GROUP_COLOURS[curve.source] }} />
            {GROUP_LABELS[curve.source]}: {formatPercentChange(curve.change[start] ?? NaN)} at{" "}
            {windowLabel(start, result.window, result.layers)}
          </li>
        ))}
      </ul>
    </figure>
  );
}
