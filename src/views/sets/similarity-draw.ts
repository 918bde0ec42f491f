/**
 * Draws the image x image similarity matrix with d3 into an <svg>: cells in the layout's
 * order, lines and labels for the groups, a colour legend from -1 to 1 (the heatmap's
 * red-blue scale, so red means alike here as it means "matters" there). File names are
 * set as text, never as markup.
 */
import { axisBottom, range, scaleLinear, select } from "d3";
import { divergingScale, PENDING_BACKGROUND } from "../heatmap/heatmap-colour";
import type { MatrixLayout } from "./similarity-layout";

const LABEL_SPACE = 110;
const LEGEND_HEIGHT = 44;
const MATRIX_SIDE = 420;
const LEGEND_MIN_WIDTH = 220;

export interface MatrixData {
  similarity: readonly (readonly (number | null)[])[];
  files: readonly string[];
}

export function drawSimilarity(svg: SVGSVGElement, data: MatrixData, layout: MatrixLayout): void {
  const n = layout.order.length;
  const cell = Math.max(3, Math.min(28, Math.floor(MATRIX_SIDE / Math.max(n, 1))));
  const side = cell * n;
  const legendWidth = Math.max(side, LEGEND_MIN_WIDTH);
  const width = LABEL_SPACE + legendWidth + 20;
  const height = LABEL_SPACE + side + LEGEND_HEIGHT + 10;
  const colour = divergingScale(1);
  const root = select(svg).attr("viewBox", `0 0 ${width} ${height}`).attr("width", width);
  root.selectAll("*").remove();

  const matrix = root.append("g").attr("transform", `translate(${LABEL_SPACE},${LABEL_SPACE})`);
  const cells = layout.order.flatMap((i, row) =>
    layout.order.map((j, col) => ({ i, j, row, col, value: data.similarity[i]?.[j] ?? null })),
  );
  matrix
    .selectAll("rect")
    .data(cells)
    .join("rect")
    .attr("class", "similarity-cell")
    .attr("x", (d) => d.col * cell)
    .attr("y", (d) => d.row * cell)
    .attr("width", cell)
    .attr("height", cell)
    .attr("fill", (d) => (d.value === null ? PENDING_BACKGROUND : colour(d.value)))
    .attr("data-similarity", (d) => (d.value === null ? "" : String(d.value)))
    .append("title")
    .text(
      (d) =>
        `${data.files[d.i]} vs ${data.files[d.j]}: ${d.value === null ? "undefined (constant scores)" : `r = ${d.value.toFixed(3)}`}`,
    );

  // Group boundaries and names along both axes.
  const bounds = layout.groups.slice(1).map((g) => g.start * cell);
  matrix
    .selectAll("line.group-line")
    .data(
      bounds.flatMap((at) => [
        { x1: at, y1: 0, x2: at, y2: side },
        { x1: 0, y1: at, x2: side, y2: at },
      ]),
    )
    .join("line")
    .attr("class", "group-line")
    .attr("x1", (d) => d.x1)
    .attr("y1", (d) => d.y1)
    .attr("x2", (d) => d.x2)
    .attr("y2", (d) => d.y2);
  const middle = (g: { start: number; end: number }) => ((g.start + g.end) / 2) * cell;
  root
    .append("g")
    .attr("class", "group-labels")
    .selectAll("text")
    .data(layout.groups)
    .join("text")
    .attr("x", LABEL_SPACE - 6)
    .attr("y", (g) => LABEL_SPACE + middle(g))
    .attr("text-anchor", "end")
    .attr("dominant-baseline", "middle")
    .text((g) => g.label);
  root
    .append("g")
    .attr("class", "group-labels")
    .selectAll("text")
    .data(layout.groups)
    .join("text")
    .attr(
      "transform",
      (g) => `translate(${LABEL_SPACE + middle(g)},${LABEL_SPACE - 6}) rotate(-45)`,
    )
    .attr("text-anchor", "start")
    .text((g) => g.label);

  drawLegend(root, colour, LABEL_SPACE, LABEL_SPACE + side + 14, legendWidth);
}

function drawLegend(
  root: ReturnType<typeof select<SVGSVGElement, unknown>>,
  colour: ReturnType<typeof divergingScale>,
  x: number,
  y: number,
  width: number,
): void {
  const legend = root
    .append("g")
    .attr("class", "similarity-legend")
    .attr("transform", `translate(${x},${y})`);
  const steps = 64;
  legend
    .selectAll("rect")
    .data(range(steps))
    .join("rect")
    .attr("x", (k) => (k * width) / steps)
    .attr("width", width / steps + 0.5)
    .attr("height", 10)
    .attr("fill", (k) => colour(-1 + (2 * (k + 0.5)) / steps));
  const axis = scaleLinear().domain([-1, 1]).range([0, width]);
  legend
    .append("g")
    .attr("transform", "translate(0,10)")
    .call(axisBottom(axis).tickValues([-1, -0.5, 0, 0.5, 1]).tickSize(3));
  legend
    .append("text")
    .attr("x", width / 2)
    .attr("y", 34)
    .attr("text-anchor", "middle")
    .text("Pearson r of two images' head scores");
}
