/**
 * The token groups as nodes in prompt order, and one arc per (source -> target) pair whose
 * thickness is the knockout effect at the chosen layer window: how much the answer
 * probability changes when the target cannot read the source in those layers. Red arcs
 * lower the answer when blocked (information the answer needs), blue ones raise it.
 */
import { TOKEN_GROUPS, type FlowResult } from "../../engine";
import {
  GROUP_COLOURS,
  GROUP_LABELS,
  arcPath,
  edgeWidth,
  formatPercentChange,
  maxAbsChange,
  nodeX,
  windowLabel,
} from "./flow-geometry";

const WIDTH = 560;
const HEIGHT = 215;
const MARGIN = 48;
const BASELINE = 170;

export function FlowGraph({ result, start }: { result: FlowResult; start: number }) {
  const maxAbs = maxAbsChange(result.curves);
  const edges = result.curves.map((curve) => ({ ...curve, value: curve.change[start] ?? NaN }));
  // Thin edges first, so thick ones are drawn on top.
  const drawn = [...edges].sort((a, b) => Math.abs(a.value) - Math.abs(b.value));
  const strongest = [...edges]
    .filter((e) => Number.isFinite(e.value))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
    .slice(0, 3);
  const label = windowLabel(start, result.window, result.layers);
  return (
    <figure className="flow-graph">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label={`Token group graph at ${label}: arc thickness is the change of the answer probability when the later group cannot read the earlier one`}
      >
        {drawn.map((edge) => (
          <path
            key={`${edge.source}-${edge.target}`}
            d={arcPath(
              nodeX(edge.source, WIDTH, MARGIN),
              nodeX(edge.target, WIDTH, MARGIN),
              BASELINE,
              0.3,
            )}
            fill="none"
            stroke={edge.value < 0 ? "#c0392b" : "#2c6bd8"}
            strokeOpacity={0.75}
            strokeWidth={edgeWidth(edge.value, maxAbs)}
            data-source={edge.source}
            data-target={edge.target}
            data-change={String(edge.value)}
          >
            <title>
              {GROUP_LABELS[edge.target]} cannot read {GROUP_LABELS[edge.source]}:{" "}
              {formatPercentChange(edge.value)}
            </title>
          </path>
        ))}
        {TOKEN_GROUPS.map((group, i) => (
          <g key={group} transform={`translate(${nodeX(group, WIDTH, MARGIN)},${BASELINE})`}>
            <circle r={7} fill={GROUP_COLOURS[group]} />
            {/* Every other label one line lower, so neighbours' long names never overlap. */}
            <text y={i % 2 === 0 ? 22 : 36} textAnchor="middle" fontSize={11}>
              {GROUP_LABELS[group]}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>
        Strongest at {label}:{" "}
        <ul className="flow-strongest" aria-label={`Strongest effects at ${label}`}>
          {strongest.map((edge) => (
            <li key={`${edge.source}-${edge.target}`}>
              {GROUP_LABELS[edge.source]} → {GROUP_LABELS[edge.target]}{" "}
              {formatPercentChange(edge.value)}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
