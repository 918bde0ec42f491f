/**
 * Faithfulness and completeness of each head ranking as k, the number of top heads, grows:
 * a better ranking reaches 1 with fewer heads. Drawn as React SVG with d3 scales.
 */
import { line, max, min, scaleLinear } from "d3";
import type { EvaluateResult } from "../engine";
import { useEvaluateStore } from "../store/evaluate-store";
import { useSessionStore } from "../store/session-store";

const COLOURS = {
  attribution: "#c0392b",
  attention: "#2c5bbf",
  "single-head": "#2e8b57",
  random: "#8a8f98",
} as const;

const WIDTH = 260;
const HEIGHT = 150;
const MARGIN = { top: 8, right: 8, bottom: 24, left: 32 };

export function RankingCurves() {
  const image = useSessionStore((store) => store.image);
  const state = useEvaluateStore((store) => store.state);
  const run = useEvaluateStore((store) => store.run);
  return (
    <section className="ranking-curves" aria-labelledby="curves-title">
      <h2 id="curves-title">Faithfulness and completeness</h2>
      <button
        type="button"
        disabled={image === null || state.status === "running"}
        onClick={() => void run()}
      >
        Evaluate rankings
      </button>
      {state.status === "running" && <p role="status">Evaluating the rankings…</p>}
      {state.status === "failed" && (
        <p role="alert" className="error">
          {state.message}
        </p>
      )}
      {state.status === "done" && <Curves result={state.result} />}
    </section>
  );
}

function Curves({ result }: { result: EvaluateResult }) {
  return (
    <>
      <div className="curves">
        <Chart result={result} which="faithfulness" />
        <Chart result={result} which="completeness" />
      </div>
      <ul className="curve-legend" aria-label="Heads needed to reach 80%">
        {result.summary.map((entry) => (
          <li key={entry.method}>
            <span className="swatch" style={{ background: COLOURS[entry.method] }} />
            {entry.method}: faithfulness {formatK(entry.kFaithfulness)}, completeness{" "}
            {formatK(entry.kCompleteness)} heads
          </li>
        ))}
      </ul>
    </>
  );
}

const formatK = (k: number | null) => (k === null ? "never" : String(Math.round(k)));

function Chart({
  result,
  which,
}: {
  result: EvaluateResult;
  which: "faithfulness" | "completeness";
}) {
  const total = result.layers * result.heads;
  const x = scaleLinear()
    .domain([0, total])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const values = result.rankings.flatMap((r) => r[which].filter((v): v is number => v !== null));
  const y = scaleLinear()
    .domain([Math.min(0, min(values) ?? 0), Math.max(1, max(values) ?? 1)])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const path = line<number | null>()
    .defined((v) => v !== null)
    .x((_, k) => x(k))
    .y((v) => y(v ?? 0));
  return (
    <figure>
      <svg width={WIDTH} height={HEIGHT} role="img" aria-label={`${which} by number of heads`}>
        <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(0)} y2={y(0)} stroke="#c3c9d3" />
        <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(1)} y2={y(1)} stroke="#c3c9d3" />
        {result.rankings.map((ranking, i) => (
          <path
            key={`${ranking.method}-${ranking.seed ?? i}`}
            d={path(ranking[which]) ?? ""}
            fill="none"
            stroke={COLOURS[ranking.method]}
            strokeWidth={ranking.method === "random" ? 1 : 2}
            opacity={ranking.method === "random" ? 0.6 : 1}
          />
        ))}
        <text x={MARGIN.left - 4} y={y(1) + 4} textAnchor="end" fontSize={10}>
          1
        </text>
        <text x={MARGIN.left - 4} y={y(0) + 4} textAnchor="end" fontSize={10}>
          0
        </text>
        <text x={WIDTH - MARGIN.right} y={HEIGHT - 6} textAnchor="end" fontSize={10}>
          k = {total}
        </text>
        <text x={MARGIN.left} y={HEIGHT - 6} fontSize={10}>
          {which}
        </text>
      </svg>
    </figure>
  );
}
