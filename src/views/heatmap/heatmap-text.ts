/** The words and numbers the heatmap shows: cell names, scores, tooltips. */
import { format } from "d3";
import type { HeatmapCell } from "./heatmap-geometry";
import { isUncertain, UNCERTAIN_Z } from "./heatmap-uncertainty";

const formatScoreNumber = format(".3~g");
const formatUncertaintyNumber = format(".2~g");

/** The accessible name of a cell; tests and screen readers find cells by it. */
export function cellName({ layer, head }: HeatmapCell): string {
  return `Layer ${layer}, head ${head}`;
}

export function formatScore(score: number): string {
  // d3 writes a typographic minus; a hyphen-minus is what people copy and search for.
  return Number.isFinite(score) ? formatScoreNumber(score).replace("−", "-") : "not computed yet";
}

/** "0.123 ± 0.01", or just the score when there is no (finite) uncertainty. */
export function formatScoreWithUncertainty(score: number, uncertainty: number | undefined) {
  if (!Number.isFinite(score)) return formatScore(score);
  if (uncertainty === undefined || !Number.isFinite(uncertainty)) return formatScore(score);
  return `${formatScore(score)} ± ${formatUncertaintyNumber(uncertainty).replace("−", "-")}`;
}

/** The value of a cell's data-score attribute: exact (round-trips), empty when not computed. */
export function scoreAttribute(score: number): string {
  return Number.isFinite(score) ? String(score) : "";
}

export interface TooltipLines {
  title: string;
  value: string;
  /** What the ± means and whether the score is clear of 0; absent without an uncertainty. */
  note?: string;
}

export function tooltipLines(
  cell: HeatmapCell,
  label: string,
  score: number,
  uncertainty: number | undefined,
): TooltipLines {
  const lines: TooltipLines = {
    title: cellName(cell),
    value: `${label}: ${formatScoreWithUncertainty(score, uncertainty)}`,
  };
  if (Number.isFinite(score) && uncertainty !== undefined && Number.isFinite(uncertainty)) {
    lines.note = isUncertain(score, uncertainty)
      ? `± 1 standard error; within ${UNCERTAIN_Z} SE of 0`
      : "± 1 standard error";
  }
  return lines;
}
