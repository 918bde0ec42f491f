/** The words and numbers the heatmap shows: cell names, scores, tooltips. */
import { format } from "d3";
import type { HeatmapCell } from "./heatmap-geometry";
import { isUncertain, UNCERTAIN_Z } from "./heatmap-uncertainty";

const formatScoreNumber = format(".3~g");
const formatUncertaintyNumber = format(".2~g");

/**
 * What a column is: an attention head, or (grouped-query attention in a third-party model)
 * a key/value group of query heads, which is what an ablation there acts on.
 */
export type HeadUnit = "head" | "group";

export const UNIT_WORDS: Record<HeadUnit, { cell: string; axis: string; grid: string }> = {
  head: { cell: "head", axis: "Head", grid: "head" },
  group: { cell: "group", axis: "Key/value group", grid: "key/value group" },
};

/** The accessible name of a cell; tests and screen readers find cells by it. */
export function cellName({ layer, head }: HeatmapCell, unit: HeadUnit = "head"): string {
  return `Layer ${layer}, ${UNIT_WORDS[unit].cell} ${head}`;
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
  unit: HeadUnit = "head",
): TooltipLines {
  const lines: TooltipLines = {
    title: cellName(cell, unit),
    value: `${label}: ${formatScoreWithUncertainty(score, uncertainty)}`,
  };
  if (Number.isFinite(score) && uncertainty !== undefined && Number.isFinite(uncertainty)) {
    lines.note = isUncertain(score, uncertainty)
      ? `± 1 standard error; within ${UNCERTAIN_Z} SE of 0`
      : "± 1 standard error";
  }
  return lines;
}
