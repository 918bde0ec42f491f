/**
 * A test-only page that mounts the Heatmap alone, driven from Playwright through
 * `window.heatmapHarness`. It is built by e2e/heatmap.spec.ts into a temporary folder and
 * never ships with the app.
 */
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { Heatmap } from "../../src/views/heatmap/Heatmap";
import type { HeatmapCell } from "../../src/views/heatmap/heatmap-geometry";

export interface HarnessProps {
  layers: number;
  heads: number;
  scores: (number | null)[];
  uncertainty?: (number | null)[];
  label: string;
  exportName?: string;
}

export interface HeatmapHarness {
  /** Renders synchronously and returns how long React + drawing took, in ms. */
  render(props: HarnessProps): number;
  selections: HeatmapCell[];
}

const root = createRoot(document.getElementById("root")!);
let current: HarnessProps | null = null;
let selected: HeatmapCell | null = null;

// JSON (Playwright's transport) has no NaN; null stands for "not computed yet".
const toScores = (values: (number | null)[]) =>
  Float64Array.from(values, (value) => (value === null ? Number.NaN : value));

function draw(props: HarnessProps) {
  current = props;
  root.render(
    <Heatmap
      layers={props.layers}
      heads={props.heads}
      scores={toScores(props.scores)}
      uncertainty={props.uncertainty === undefined ? undefined : toScores(props.uncertainty)}
      label={props.label}
      {...(props.exportName !== undefined ? { exportName: props.exportName } : {})}
      selected={selected}
      onSelect={(cell) => {
        harness.selections.push(cell);
        selected = cell;
        if (current !== null) draw(current);
      }}
    />,
  );
}

const harness: HeatmapHarness = {
  render(props) {
    const started = performance.now();
    flushSync(() => draw(props));
    return performance.now() - started;
  },
  selections: [],
};

(window as unknown as { heatmapHarness: HeatmapHarness }).heatmapHarness = harness;
