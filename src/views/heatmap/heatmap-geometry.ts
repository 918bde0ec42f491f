/**
 * Layout of the head heatmap: where each cell, axis and the legend go, and which cell is
 * under a point. Pure arithmetic, so it is tested in Node and drawing stays dumb.
 *
 * Layer 0 is the top row: the grid then reads like a table (first row = first layer), and
 * the ARIA row order, the visual order and ArrowDown (= next layer) all agree.
 */

/** A head of the language model, 0-based. Structurally the engine's `HeadRef`. */
export interface HeatmapCell {
  layer: number;
  head: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface HeatmapLayout {
  layers: number;
  heads: number;
  /** Side of one square cell, in CSS pixels. */
  cell: number;
  /** The cells' area: `heads` cells wide, `layers` cells tall. */
  plot: Rect;
  /** The colour legend's bar, right of the plot. */
  legend: Rect;
  /** The legend's swatch for "not computed yet", under the bar. */
  missingSwatch: Rect;
  /** The legend's swatch for a faded cell (|score| < 2 SE), under the missing swatch. */
  uncertainSwatch: Rect;
  width: number;
  height: number;
  /** Which head and layer indices get an axis label (all of them when they fit). */
  headTicks: number[];
  layerTicks: number[];
}

/** Room for the axis titles and tick labels above (heads) and left (layers) of the plot. */
const MARGIN = { top: 44, right: 8, bottom: 12, left: 56 };
const LEGEND_GAP = 24;
const LEGEND_WIDTH = 14;
/** Room right of the legend bar for its tick labels and its rotated title. */
const LEGEND_LABELS = 72;
const SWATCH_GAP = 10;
/** The plot aims at this width; cells shrink for many heads and grow for few. */
const TARGET_PLOT_SIDE = 560;
const MIN_CELL = 8;
const MAX_CELL = 36;
/** Axis labels need about this much room each, or they overlap. */
const MIN_TICK_SPACING = 18;

export function computeLayout(layers: number, heads: number): HeatmapLayout {
  if (!Number.isInteger(layers) || !Number.isInteger(heads) || layers < 1 || heads < 1) {
    throw new RangeError(`a heatmap needs at least 1 layer and 1 head, got ${layers} x ${heads}`);
  }
  const cell = clamp(Math.floor(TARGET_PLOT_SIDE / Math.max(layers, heads)), MIN_CELL, MAX_CELL);
  const plot = { x: MARGIN.left, y: MARGIN.top, width: heads * cell, height: layers * cell };
  const legend = {
    x: plot.x + plot.width + LEGEND_GAP,
    y: plot.y,
    width: LEGEND_WIDTH,
    height: Math.max(plot.height - LEGEND_WIDTH - SWATCH_GAP, 120),
  };
  const missingSwatch = {
    x: legend.x,
    y: legend.y + legend.height + SWATCH_GAP,
    width: LEGEND_WIDTH,
    height: LEGEND_WIDTH,
  };
  const uncertainSwatch = {
    x: legend.x,
    y: missingSwatch.y + missingSwatch.height + SWATCH_GAP / 2,
    width: LEGEND_WIDTH,
    height: LEGEND_WIDTH,
  };
  return {
    layers,
    heads,
    cell,
    plot,
    legend,
    missingSwatch,
    uncertainSwatch,
    width: legend.x + legend.width + LEGEND_LABELS + MARGIN.right,
    height:
      Math.max(plot.y + plot.height, uncertainSwatch.y + uncertainSwatch.height) + MARGIN.bottom,
    headTicks: axisTicks(heads, cell),
    layerTicks: axisTicks(layers, cell),
  };
}

/** The rectangle of a cell, in the SVG's coordinates. */
export function cellRect(layout: HeatmapLayout, { layer, head }: HeatmapCell): Rect {
  return {
    x: layout.plot.x + head * layout.cell,
    y: layout.plot.y + layer * layout.cell,
    width: layout.cell,
    height: layout.cell,
  };
}

/** The cell under a point in the SVG's coordinates, or null outside the plot. */
export function hitTest(layout: HeatmapLayout, x: number, y: number): HeatmapCell | null {
  const head = Math.floor((x - layout.plot.x) / layout.cell);
  const layer = Math.floor((y - layout.plot.y) / layout.cell);
  if (head < 0 || head >= layout.heads || layer < 0 || layer >= layout.layers) return null;
  return { layer, head };
}

/** Position of a cell in the layer-major score vector (the engine's order). */
export function cellIndex(layout: Pick<HeatmapLayout, "heads">, cell: HeatmapCell): number {
  return cell.layer * layout.heads + cell.head;
}

export function cellAt(layout: Pick<HeatmapLayout, "heads">, index: number): HeatmapCell {
  return { layer: Math.floor(index / layout.heads), head: index % layout.heads };
}

/**
 * Indices to label on an axis of `count` cells: every one when cells are wide enough,
 * otherwise every 2nd, 5th, 10th… (always including 0) so labels never overlap.
 */
export function axisTicks(count: number, cell: number): number[] {
  const steps = [1, 2, 5, 10, 20, 50, 100];
  const step =
    steps.find((candidate) => candidate * cell >= MIN_TICK_SPACING) ?? steps[steps.length - 1]!;
  const ticks: number[] = [];
  for (let index = 0; index < count; index += step) ticks.push(index);
  return ticks;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
