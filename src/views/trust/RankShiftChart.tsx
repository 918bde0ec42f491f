/**
 * How far each head's rank moves between baselines: one column per baseline (rank 1 at the
 * top), one line per head. The heads that move most are drawn in colour, the selected head
 * in black; a click on a line selects its head.
 */
import { scaleLinear, scalePoint } from "d3";
import { forwardRef } from "react";
import type { BaselinesResult, HeadRef } from "../../engine";

const WIDTH = 380;
const HEIGHT = 300;
const MARGIN = { top: 28, right: 40, bottom: 12, left: 40 };
export const MOVER_COLOUR = "#d35400";

export const RankShiftChart = forwardRef<
  SVGSVGElement,
  {
    result: BaselinesResult;
    movers: ReadonlySet<string>;
    selected: HeadRef | null;
    onSelect: (head: HeadRef) => void;
  }
>(function RankShiftChart({ result, movers, selected, onSelect }, ref) {
  const size = result.heads.length;
  const x = scalePoint<number>()
    .domain(result.baselines.map((_, i) => i))
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const y = scaleLinear()
    .domain([1, Math.max(2, size)])
    .range([MARGIN.top, HEIGHT - MARGIN.bottom]);
  const isSelected = (h: { layer: number; head: number }) =>
    selected !== null && selected.layer === h.layer && selected.head === h.head;
  // Grey lines first, movers and the selection last, so they are drawn on top.
  const order = [...result.heads].sort(
    (a, b) =>
      Number(movers.has(a.name)) +
      2 * Number(isSelected(a)) -
      (Number(movers.has(b.name)) + 2 * Number(isSelected(b))),
  );
  return (
    <svg
      ref={ref}
      className="trust-rank-shift"
      width={WIDTH}
      height={HEIGHT}
      role="img"
      aria-label={`Rank of each of ${size} heads under ${result.baselines.join(", ")}`}
    >
      {result.baselines.map((baseline, i) => (
        <g key={baseline}>
          <line x1={x(i)} x2={x(i)} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} stroke="#c5cad3" />
          <text x={x(i)} y={14} textAnchor="middle" fontSize={11} fill="#1d2430">
            {baseline}
          </text>
        </g>
      ))}
      <text x={MARGIN.left - 6} y={y(1)} dy="0.32em" textAnchor="end" fontSize={10} fill="#4a5260">
        1
      </text>
      <text
        x={MARGIN.left - 6}
        y={y(size)}
        dy="0.32em"
        textAnchor="end"
        fontSize={10}
        fill="#4a5260"
      >
        {size}
      </text>
      {order.map((h) => {
        const on = isSelected(h);
        const mover = movers.has(h.name);
        const points = h.ranks.map((rank, i) => `${x(i)},${y(rank)}`).join(" ");
        return (
          <polyline
            key={h.name}
            className="trust-rank-line"
            data-head={h.name}
            points={points}
            fill="none"
            stroke={on ? "#111111" : mover ? MOVER_COLOUR : "#b8bec8"}
            strokeWidth={on ? 2.5 : mover ? 2 : 1}
            strokeOpacity={on || mover ? 1 : 0.6}
            onClick={() => onSelect({ layer: h.layer, head: h.head })}
          >
            <title>{`Head ${h.name}: ranks ${h.ranks.join(" / ")} (moves ${h.rankSpread})`}</title>
          </polyline>
        );
      })}
    </svg>
  );
});
