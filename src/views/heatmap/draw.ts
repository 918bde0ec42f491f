/**
 * Draws the head heatmap into an <svg> with d3. The frame (axes, one <rect> per head, the
 * legend's shape) is built once per layout; while scores stream in only the colours and
 * data attributes of the cells that changed are touched, so repainting 40 x 40 heads ten
 * times a second costs well under a millisecond of DOM work.
 *
 * The cells form an ARIA grid (role grid > row > gridcell); keyboard focus is a roving
 * tabindex, so the whole map is one tab stop.
 */
import { range, select, type Selection } from "d3";
import {
  divergingScale,
  fillFor,
  PENDING_BACKGROUND,
  PENDING_STRIPE,
  type ColourScale,
} from "./heatmap-colour";
import { cellIndex, cellRect, type HeatmapCell, type HeatmapLayout } from "./heatmap-geometry";
import { cellName, formatScore, scoreAttribute, UNIT_WORDS, type HeadUnit } from "./heatmap-text";
import { isUncertain, UNCERTAIN_OPACITY, UNCERTAIN_Z } from "./heatmap-uncertainty";

/** A hairline of background between cells keeps neighbours with similar colours apart. */
const CELL_GAP = 1;
const LEGEND_STOPS = 17;

/** The parts of a drawn frame that later updates touch. */
export interface HeatmapFrame {
  layout: HeatmapLayout;
  grid: SVGGElement;
  /** One node per head, in layer-major order (the engine's score order). */
  cells: SVGRectElement[];
  focusRing: SVGRectElement;
  selectionRing: SVGRectElement;
  legend: SVGGElement;
  /** The fill of a cell not computed yet: a hatch pattern of this frame. */
  pendingFill: string;
  /** The cell that currently holds tabindex=0. */
  tabStop: number;
  /** The cell whose aria-describedby points to the tooltip, if any. */
  describedCell: number | null;
  /** What the cells show now, to repaint only what changed. */
  painted: { scores: Float64Array; uncertainty: Float64Array; extent: number; fade: boolean };
}

/** Empties the <svg> and draws the frame for a layout: axes, uncoloured cells, rings, legend. */
export function drawFrame(
  svgElement: SVGSVGElement,
  layout: HeatmapLayout,
  unit: HeadUnit = "head",
): HeatmapFrame {
  const svg = select(svgElement);
  svg.selectAll("*").remove();
  svg
    .attr("width", layout.width)
    .attr("height", layout.height)
    .attr("viewBox", `0 0 ${layout.width} ${layout.height}`);

  const pendingFill = definePendingHatch(svg);
  drawAxes(svg.append("g").attr("class", "heatmap-axes").attr("aria-hidden", "true"), layout, unit);

  const grid = svg
    .append("g")
    .attr("class", "heatmap-grid")
    .attr("role", "grid")
    .attr("aria-rowcount", layout.layers)
    .attr("aria-colcount", layout.heads);
  const cells: SVGRectElement[] = [];
  grid
    .selectAll<SVGGElement, number>("g")
    .data(range(layout.layers))
    .join("g")
    .attr("role", "row")
    .attr("aria-rowindex", (layer) => layer + 1)
    .each(function (layer) {
      select(this)
        .selectAll<SVGRectElement, HeatmapCell>("rect")
        .data(range(layout.heads).map((head): HeatmapCell => ({ layer, head })))
        .join("rect")
        .attr("class", "heatmap-cell")
        .attr("role", "gridcell")
        .attr("aria-label", (cell) => cellName(cell, unit))
        .attr("aria-colindex", (cell) => cell.head + 1)
        .attr("aria-selected", "false")
        .attr("tabindex", (cell) => (cell.layer === 0 && cell.head === 0 ? 0 : -1))
        .attr("data-layer", (cell) => cell.layer)
        .attr("data-head", (cell) => cell.head)
        .attr("data-score", "")
        .attr("fill", pendingFill)
        .each(function (cell) {
          const rect = cellRect(layout, cell);
          this.setAttribute("x", String(rect.x));
          this.setAttribute("y", String(rect.y));
          this.setAttribute("width", String(rect.width - CELL_GAP));
          this.setAttribute("height", String(rect.height - CELL_GAP));
          cells[cellIndex(layout, cell)] = this;
        });
    });

  const marker = (className: string) =>
    svg
      .append("rect")
      .attr("class", className)
      .attr("aria-hidden", "true")
      .attr("fill", "none")
      .attr("pointer-events", "none")
      .attr("visibility", "hidden")
      .node()!;
  const selectionRing = marker("heatmap-selection-ring");
  const focusRing = marker("heatmap-focus-ring");
  const legend = svg.append("g").attr("class", "heatmap-legend").attr("aria-hidden", "true");

  const count = layout.layers * layout.heads;
  return {
    layout,
    grid: grid.node()!,
    cells,
    focusRing,
    selectionRing,
    legend: legend.node()!,
    pendingFill,
    tabStop: 0,
    describedCell: null,
    painted: {
      scores: new Float64Array(count).fill(Number.NaN),
      uncertainty: new Float64Array(count).fill(Number.NaN),
      extent: Number.NaN,
      fade: false,
    },
  };
}

/** A diagonal hatch in the SVG's defs; returns the fill that uses it. */
function definePendingHatch(svg: Selection<SVGSVGElement, unknown, null, undefined>): string {
  const id = `heatmap-pending-${uniqueSuffix()}`;
  const pattern = svg
    .append("defs")
    .append("pattern")
    .attr("id", id)
    .attr("width", 6)
    .attr("height", 6)
    .attr("patternUnits", "userSpaceOnUse")
    .attr("patternTransform", "rotate(45)");
  pattern.append("rect").attr("width", 6).attr("height", 6).attr("fill", PENDING_BACKGROUND);
  pattern.append("rect").attr("width", 2).attr("height", 6).attr("fill", PENDING_STRIPE);
  return `url(#${id})`;
}

function drawAxes(
  axes: Selection<SVGGElement, unknown, null, undefined>,
  layout: HeatmapLayout,
  unit: HeadUnit,
) {
  const { plot, cell } = layout;
  axes
    .selectAll("text.head-tick")
    .data(layout.headTicks)
    .join("text")
    .attr("class", "head-tick")
    .attr("x", (head) => plot.x + (head + 0.5) * cell)
    .attr("y", plot.y - 6)
    .attr("text-anchor", "middle")
    .text(String);
  axes
    .selectAll("text.layer-tick")
    .data(layout.layerTicks)
    .join("text")
    .attr("class", "layer-tick")
    .attr("x", plot.x - 6)
    .attr("y", (layer) => plot.y + (layer + 0.5) * cell)
    .attr("text-anchor", "end")
    .attr("dominant-baseline", "central")
    .text(String);
  axes
    .append("text")
    .attr("class", "axis-title")
    .attr("x", plot.x + plot.width / 2)
    .attr("y", plot.y - 26)
    .attr("text-anchor", "middle")
    .text(UNIT_WORDS[unit].axis);
  axes
    .append("text")
    .attr("class", "axis-title")
    .attr("transform", `translate(${plot.x - 40}, ${plot.y + plot.height / 2}) rotate(-90)`)
    .attr("text-anchor", "middle")
    .text("Layer (0 = first)");
}

/** Names the grid for assistive technology, e.g. "Attribution by layer and head". */
export function labelGrid(frame: HeatmapFrame, label: string, unit: HeadUnit = "head"): void {
  frame.grid.setAttribute("aria-label", `${label} by layer and ${UNIT_WORDS[unit].grid}`);
}

/**
 * Colours the cells for new scores and returns the scale used. Only cells whose score or
 * uncertainty changed are touched, unless the colour range (max |score|) or `fade` changed.
 * With `fade`, cells whose |score| is under two standard errors are drawn faded
 * (heatmap-uncertainty.ts) and marked data-uncertain.
 */
export function paintScores(
  frame: HeatmapFrame,
  scores: ArrayLike<number>,
  uncertainty: ArrayLike<number> | undefined,
  extent: number,
  fade = false,
): ColourScale {
  const scale = divergingScale(extent);
  const { painted, cells } = frame;
  const rescaled = !Object.is(painted.extent, extent);
  const refaded = painted.fade !== fade;
  for (let index = 0; index < cells.length; index++) {
    const score = scores[index] ?? Number.NaN;
    const spread = uncertainty?.[index] ?? Number.NaN;
    const node = cells[index]!;
    const scoreChanged = !Object.is(painted.scores[index], score);
    if (scoreChanged) node.setAttribute("data-score", scoreAttribute(score));
    if (scoreChanged || rescaled)
      node.setAttribute("fill", fillFor(scale, score) ?? frame.pendingFill);
    const spreadChanged = !Object.is(painted.uncertainty[index], spread);
    if (spreadChanged) node.setAttribute("data-uncertainty", scoreAttribute(spread));
    if (scoreChanged || spreadChanged || refaded) {
      if (fade && isUncertain(score, spread)) {
        node.setAttribute("fill-opacity", String(UNCERTAIN_OPACITY));
        node.setAttribute("data-uncertain", "true");
      } else {
        node.removeAttribute("fill-opacity");
        node.removeAttribute("data-uncertain");
      }
    }
    painted.scores[index] = score;
    painted.uncertainty[index] = spread;
  }
  painted.extent = extent;
  painted.fade = fade;
  return scale;
}

/**
 * Draws the legend: a vertical colour bar from -max to +max, its ticks and title, the
 * "pending" swatch and, when cells are faded, the faded swatch.
 */
export function drawLegend(
  frame: HeatmapFrame,
  scale: ColourScale,
  label: string,
  fade = false,
): void {
  const { legend: box, missingSwatch, uncertainSwatch } = frame.layout;
  const legend = select(frame.legend);
  legend.selectAll("*").remove();
  const [low, , high] = scale.domain() as [number, number, number];
  const gradientId = `heatmap-legend-gradient-${uniqueSuffix()}`;
  const gradient = legend
    .append("defs")
    .append("linearGradient")
    .attr("id", gradientId)
    .attr("x1", 0)
    .attr("y1", 1)
    .attr("x2", 0)
    .attr("y2", 0);
  gradient
    .selectAll("stop")
    .data(range(LEGEND_STOPS).map((step) => step / (LEGEND_STOPS - 1)))
    .join("stop")
    .attr("offset", (t) => t)
    .attr("stop-color", (t) => scale(low + t * (high - low)));
  legend
    .append("rect")
    .attr("x", box.x)
    .attr("y", box.y)
    .attr("width", box.width)
    .attr("height", box.height)
    .attr("fill", `url(#${gradientId})`);
  // Top is +max, bottom is -max, matching "up = more".
  legend
    .selectAll("text.legend-tick")
    .data([high, 0, low])
    .join("text")
    .attr("class", "legend-tick")
    .attr("x", box.x + box.width + 4)
    .attr("y", (_, order) => box.y + (order * box.height) / 2)
    .attr("dominant-baseline", "central")
    .text((value) => formatScore(value));
  legend
    .append("rect")
    .attr("x", missingSwatch.x)
    .attr("y", missingSwatch.y)
    .attr("width", missingSwatch.width)
    .attr("height", missingSwatch.height)
    .attr("fill", frame.pendingFill);
  legend
    .append("text")
    .attr("class", "legend-tick")
    .attr("x", missingSwatch.x + missingSwatch.width + 4)
    .attr("y", missingSwatch.y + missingSwatch.height / 2)
    .attr("dominant-baseline", "central")
    .text("pending");
  if (fade) {
    legend
      .append("rect")
      .attr("x", uncertainSwatch.x)
      .attr("y", uncertainSwatch.y)
      .attr("width", uncertainSwatch.width)
      .attr("height", uncertainSwatch.height)
      .attr("fill", scale(high))
      .attr("fill-opacity", UNCERTAIN_OPACITY);
    legend
      .append("text")
      .attr("class", "legend-tick")
      .attr("x", uncertainSwatch.x + uncertainSwatch.width + 4)
      .attr("y", uncertainSwatch.y + uncertainSwatch.height / 2)
      .attr("dominant-baseline", "central")
      .text(`< ${UNCERTAIN_Z} SE`);
  }
  legend
    .append("text")
    .attr("class", "axis-title")
    .attr("transform", `translate(${box.x + box.width + 60}, ${box.y + box.height / 2}) rotate(90)`)
    .attr("text-anchor", "middle")
    .text(label);
}

/** Moves the roving tabindex (and, when asked, keyboard focus) to a cell. */
export function moveTabStop(frame: HeatmapFrame, cell: HeatmapCell, focus: boolean): void {
  const index = cellIndex(frame.layout, cell);
  const node = frame.cells[index];
  if (node === undefined) return;
  if (index !== frame.tabStop) {
    frame.cells[frame.tabStop]?.setAttribute("tabindex", "-1");
    node.setAttribute("tabindex", "0");
    frame.tabStop = index;
  }
  if (focus) node.focus({ preventScroll: true });
}

/** Marks the selected head (aria-selected and a ring), or clears the mark. */
export function markSelected(
  frame: HeatmapFrame,
  previous: HeatmapCell | null,
  next: HeatmapCell | null,
) {
  if (previous !== null) {
    frame.cells[cellIndex(frame.layout, previous)]?.setAttribute("aria-selected", "false");
  }
  if (next !== null) {
    frame.cells[cellIndex(frame.layout, next)]?.setAttribute("aria-selected", "true");
  }
  placeRing(frame.selectionRing, frame.layout, next);
}

/**
 * Shows the focus ring on a cell, or hides it (null) when focus is outside the grid. While
 * the tooltip describes the focused cell, the cell points to it (aria-describedby), so a
 * screen reader reads the score after the cell's name.
 */
export function markFocused(
  frame: HeatmapFrame,
  cell: HeatmapCell | null,
  tooltipId: string | null,
): void {
  placeRing(frame.focusRing, frame.layout, cell);
  if (frame.describedCell !== null) {
    frame.cells[frame.describedCell]?.removeAttribute("aria-describedby");
    frame.describedCell = null;
  }
  if (cell !== null && tooltipId !== null) {
    const index = cellIndex(frame.layout, cell);
    frame.cells[index]?.setAttribute("aria-describedby", tooltipId);
    frame.describedCell = index;
  }
}

function placeRing(ring: SVGRectElement, layout: HeatmapLayout, cell: HeatmapCell | null) {
  if (cell === null || cell.layer >= layout.layers || cell.head >= layout.heads) {
    ring.setAttribute("visibility", "hidden");
    return;
  }
  const rect = cellRect(layout, cell);
  ring.setAttribute("x", String(rect.x - 0.5));
  ring.setAttribute("y", String(rect.y - 0.5));
  ring.setAttribute("width", String(rect.width));
  ring.setAttribute("height", String(rect.height));
  ring.setAttribute("visibility", "visible");
}

let suffixCounter = 0;
/** Gradient ids must be unique in the document when several heatmaps are shown. */
function uniqueSuffix(): number {
  suffixCounter += 1;
  return suffixCounter;
}
