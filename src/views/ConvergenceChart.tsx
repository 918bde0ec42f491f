/**
 * How a running attribution converges: the held-out r and the top-10 overlap with the
 * previous check against the masks used, at the fit schedule's checks (where the stopping
 * rule looks, so with "stop when stable" on these are the rule's numbers). Drawn as React
 * SVG with d3 scales; the same points are listed in a table for screen readers.
 */
import { line, scaleLinear } from "d3";
import { useState } from "react";
import { DEFAULT_ATTRIBUTION, DEFAULT_STOP_RULE, fitScheduleOf, topKOverlap } from "../engine";

export interface ConvergencePoint {
  masks: number;
  heldOutR: number | null;
  overlap: number | null;
}

const WIDTH = 260;
const HEIGHT = 110;
const MARGIN = { top: 6, right: 8, bottom: 22, left: 32 };
const K = DEFAULT_STOP_RULE.k;

interface Convergence {
  startedAt: number;
  /** The estimate last looked at (a new estimate is a new scores array). */
  seen: Float64Array | null;
  /** The estimate at the last check, for the next check's overlap. */
  previous: Float64Array | null;
  points: ConvergencePoint[];
}

interface RunningEstimate {
  startedAt: number;
  done: number;
  total: number;
  scores: Float64Array;
  heldOutR: number | null;
}

/**
 * The convergence after the run's latest update: an estimate counts when it is the first
 * at or past a check of the run's fit schedule (refreshes between checks do not).
 */
export function nextConvergence(current: Convergence, run: RunningEstimate): Convergence {
  const state =
    current.startedAt === run.startedAt
      ? current
      : { startedAt: run.startedAt, seen: null, previous: null, points: [] };
  const { done, total, scores, heldOutR } = run;
  if (state.seen === scores) return state;
  const seen = { ...state, seen: scores };
  if (scores.length === 0 || Number.isNaN(scores[0])) return seen;
  const schedule = fitScheduleOf(scores.length, { ...DEFAULT_ATTRIBUTION, samples: total });
  // The first estimate at or past the next check: with the stopping rule on, chunks end at
  // the checks; without it a refit comes with the first chunk past one.
  if (schedule.checkAfter(state.points.at(-1)?.masks ?? 0) > done) return seen;
  const overlap = state.previous ? topKOverlap(scores, state.previous, K) : null;
  return {
    ...seen,
    previous: scores,
    points: [...state.points, { masks: done, heldOutR, overlap }],
  };
}

/** The check points of a running attribution, gathered as its estimates arrive. */
export function useConvergence(run: RunningEstimate): ConvergencePoint[] {
  const [state, setState] = useState<Convergence>(() => nextConvergence(EMPTY, run));
  // Adjusted while rendering (React's pattern for state derived from a changing prop).
  const next = nextConvergence(state, run);
  if (next !== state) setState(next);
  return next.points;
}

const EMPTY: Convergence = { startedAt: Number.NaN, seen: null, previous: null, points: [] };

export function ConvergenceChart({ points, total }: { points: ConvergencePoint[]; total: number }) {
  if (points.length === 0) return null;
  const x = scaleLinear()
    .domain([0, total])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const y = scaleLinear()
    .domain([0, 1])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const path = (value: (p: ConvergencePoint) => number | null) =>
    line<ConvergencePoint>()
      .defined((p) => value(p) !== null)
      .x((p) => x(p.masks))
      .y((p) => y(Math.max(0, value(p) ?? 0)))(points) ?? "";
  const last = points.at(-1)!;
  const summary = `Convergence at ${last.masks} masks: held-out r ${format(last.heldOutR)}, top-${K} overlap with the previous check ${format(last.overlap)}`;
  return (
    <figure className="convergence-chart">
      <svg width={WIDTH} height={HEIGHT} role="img" aria-label={summary}>
        <line
          x1={MARGIN.left}
          x2={WIDTH - MARGIN.right}
          y1={y(0)}
          y2={y(0)}
          stroke="currentColor"
          strokeOpacity={0.4}
        />
        <line
          x1={MARGIN.left}
          x2={MARGIN.left}
          y1={y(0)}
          y2={y(1)}
          stroke="currentColor"
          strokeOpacity={0.4}
        />
        <text x={MARGIN.left - 4} y={y(1) + 4} textAnchor="end" fontSize={10}>
          1
        </text>
        <text x={MARGIN.left - 4} y={y(0)} textAnchor="end" fontSize={10}>
          0
        </text>
        <text x={WIDTH - MARGIN.right} y={HEIGHT - 6} textAnchor="end" fontSize={10}>
          {total} masks
        </text>
        <path d={path((p) => p.heldOutR)} fill="none" stroke="#2c5bbf" strokeWidth={1.5} />
        <path
          d={path((p) => p.overlap)}
          fill="none"
          stroke="#c0392b"
          strokeWidth={1.5}
          strokeDasharray="4 3"
        />
      </svg>
      <figcaption>solid: held-out r · dashed: top-{K} overlap with the previous check</figcaption>
      <table className="visually-hidden">
        <caption>Convergence of the running attribution</caption>
        <thead>
          <tr>
            <th scope="col">masks</th>
            <th scope="col">held-out r</th>
            <th scope="col">top-{K} overlap</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.masks}>
              <td>{p.masks}</td>
              <td>{format(p.heldOutR)}</td>
              <td>{format(p.overlap)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function format(value: number | null): string {
  return value === null ? "n/a" : value.toFixed(2);
}
