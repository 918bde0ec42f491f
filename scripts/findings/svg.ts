/**
 * Minimal SVG charts for docs/FINDINGS.md, written as strings (no DOM): line charts
 * (curves over k or layers), grouped bars, and a heatmap. d3 picks round axis ticks.
 */
import { scaleLinear } from "d3";
import { maxOf, minOf } from "../../src/engine";

const FONT = `font-family="system-ui, sans-serif" font-size="11"`;
export const PALETTE = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#9467bd",
  "#ff7f0e",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
];

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const fmt = (x: number) =>
  Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString();

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function frame(width: number, height: number): Frame {
  return { width, height, left: 52, right: 190, top: 28, bottom: 36 };
}

function scale(domain: [number, number], range: [number, number]) {
  const [d0, d1] = domain[0] === domain[1] ? [domain[0] - 1, domain[1] + 1] : domain;
  return (x: number) => range[0] + ((x - d0) / (d1 - d0)) * (range[1] - range[0]);
}

function axes(
  f: Frame,
  x: (v: number) => number,
  y: (v: number) => number,
  xTicks: number[],
  yTicks: number[],
  xLabel: string,
  yLabel: string,
): string {
  const parts = [
    `<line x1="${f.left}" y1="${f.height - f.bottom}" x2="${f.width - f.right}" y2="${f.height - f.bottom}" stroke="#333"/>`,
    `<line x1="${f.left}" y1="${f.top}" x2="${f.left}" y2="${f.height - f.bottom}" stroke="#333"/>`,
  ];
  for (const t of xTicks)
    parts.push(
      `<text x="${x(t)}" y="${f.height - f.bottom + 14}" text-anchor="middle">${fmt(t)}</text>`,
    );
  for (const t of yTicks) {
    parts.push(`<text x="${f.left - 4}" y="${y(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
    parts.push(
      `<line x1="${f.left}" y1="${y(t)}" x2="${f.width - f.right}" y2="${y(t)}" stroke="#eee"/>`,
    );
  }
  parts.push(
    `<text x="${(f.left + f.width - f.right) / 2}" y="${f.height - 4}" text-anchor="middle">${escape(xLabel)}</text>`,
  );
  parts.push(
    `<text x="12" y="${(f.top + f.height - f.bottom) / 2}" text-anchor="middle" transform="rotate(-90 12 ${(f.top + f.height - f.bottom) / 2})">${escape(yLabel)}</text>`,
  );
  return parts.join("");
}

/** A domain widened to round numbers, and its round ticks. */
function niceAxis(
  lo: number,
  hi: number,
  count = 5,
): { domain: [number, number]; ticks: number[] } {
  if (lo === hi) return { domain: [lo - 1, hi + 1], ticks: [lo] };
  const scale = scaleLinear().domain([lo, hi]).nice(count);
  const [a, b] = scale.domain() as [number, number];
  return { domain: [a, b], ticks: scale.ticks(count) };
}

function svg(f: Frame, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" ${FONT}><rect width="100%" height="100%" fill="white"/><text x="${f.left}" y="16" font-size="13" font-weight="600">${escape(title)}</text>${body}</svg>\n`;
}

export interface Series {
  label: string;
  values: (number | null)[];
  dashed?: boolean;
}

/** Lines over x = xs[i]; null values break the line. */
export function lineChart(
  title: string,
  xs: number[],
  series: Series[],
  xLabel: string,
  yLabel: string,
  yDomain?: [number, number],
): string {
  const f = frame(620, 300);
  const all = series.flatMap((s) =>
    s.values.filter((v): v is number => v !== null && Number.isFinite(v)),
  );
  const axis = niceAxis(...(yDomain ?? [Math.min(0, minOf(all)), Math.max(0, maxOf(all))]), 5);
  const domain = yDomain ?? axis.domain;
  const x = scale([xs[0]!, xs[xs.length - 1]!], [f.left, f.width - f.right]);
  const y = scale(domain, [f.height - f.bottom, f.top]);
  const xTicks = xs.length <= 9 ? xs : niceAxis(xs[0]!, xs[xs.length - 1]!, 8).ticks;
  const yTicks = axis.ticks.filter((t) => t >= domain[0] && t <= domain[1]);
  let body = axes(f, x, y, xTicks, yTicks, xLabel, yLabel);
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    let d = "";
    let pen = false;
    s.values.forEach((v, j) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${x(xs[j]!).toFixed(1)},${y(Math.max(domain[0], Math.min(domain[1], v))).toFixed(1)}`;
      pen = true;
    });
    body += `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.8"${s.dashed ? ` stroke-dasharray="4 3"` : ""}/>`;
    const ly = f.top + 14 * i + 6;
    body += `<line x1="${f.width - f.right + 8}" y1="${ly}" x2="${f.width - f.right + 26}" y2="${ly}" stroke="${colour}" stroke-width="2"${s.dashed ? ` stroke-dasharray="4 3"` : ""}/><text x="${f.width - f.right + 30}" y="${ly + 4}">${escape(s.label)}</text>`;
  });
  return svg(f, title, body);
}

/** Grouped bars: groups[g] has one value per series. */
export function barChart(
  title: string,
  groups: string[],
  series: { label: string; values: number[] }[],
  yLabel: string,
): string {
  const f = frame(620, 300);
  const all = series.flatMap((s) => s.values);
  const axis = niceAxis(Math.min(0, minOf(all)), Math.max(0, maxOf(all)), 5);
  const y = scale(axis.domain, [f.height - f.bottom, f.top]);
  const band = (f.width - f.left - f.right) / groups.length;
  const bar = (band * 0.8) / series.length;
  let body = axes(f, () => 0, y, [], axis.ticks, "", yLabel);
  groups.forEach((g, gi) => {
    body += `<text x="${f.left + band * (gi + 0.5)}" y="${f.height - f.bottom + 14}" text-anchor="middle">${escape(g)}</text>`;
    series.forEach((s, si) => {
      const v = s.values[gi]!;
      const x0 = f.left + band * gi + band * 0.1 + bar * si;
      const [top, bottom] = v >= 0 ? [y(v), y(0)] : [y(0), y(v)];
      body += `<rect x="${x0.toFixed(1)}" y="${top.toFixed(1)}" width="${(bar - 1).toFixed(1)}" height="${Math.max(0.5, bottom - top).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"/>`;
    });
  });
  series.forEach((s, i) => {
    const ly = f.top + 14 * i + 6;
    body += `<rect x="${f.width - f.right + 8}" y="${ly - 5}" width="14" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${f.width - f.right + 26}" y="${ly + 4}">${escape(s.label)}</text>`;
  });
  return svg(f, title, body);
}

/** A heatmap of `values[row][col]` on a diverging blue-white-red scale symmetric about 0. */
export function heatmap(
  title: string,
  values: (number | null)[][],
  rowLabels: string[],
  colLabels: string[],
  cell = 12,
  /** Flat (row-major) indices of cells to outline, e.g. the object patches. */
  marked: readonly number[] = [],
  /** White at the smallest value to red at the largest (for values of one sign, e.g. similarities). */
  sequential = false,
): string {
  const rows = values.length;
  const cols = values[0]?.length ?? 0;
  const left = 8 + 6 * Math.max(4, maxOf(rowLabels.map((l) => l.length)));
  const top = 28 + (colLabels.some((l) => l) ? 70 : 0);
  const f = {
    ...frame(Math.max(left + cols * cell + 130, 60 + 7 * title.length), top + rows * cell + 20),
  };
  const known = values.flat().filter((v): v is number => v !== null);
  const max = Math.max(1e-12, maxOf(known.map(Math.abs)));
  const [lo, hi] = [minOf(known), maxOf(known)];
  const colour = (v: number | null) => {
    if (v === null) return "#ccc";
    const t = sequential
      ? hi > lo
        ? (v - lo) / (hi - lo)
        : 1
      : Math.max(-1, Math.min(1, v / max));
    const c = (a: number) => Math.round(255 - (255 - a) * Math.abs(t));
    return t >= 0 ? `rgb(255,${c(40)},${c(40)})` : `rgb(${c(40)},${c(90)},255)`;
  };
  let body = "";
  values.forEach((row, r) => {
    if (rowLabels[r])
      body += `<text x="${left - 4}" y="${top + r * cell + cell - 3}" text-anchor="end" font-size="9">${escape(rowLabels[r]!)}</text>`;
    row.forEach((v, c) => {
      body += `<rect x="${left + c * cell}" y="${top + r * cell}" width="${cell}" height="${cell}" fill="${colour(v)}"><title>${v === null ? "n/a" : fmt(v)}</title></rect>`;
    });
  });
  for (const index of marked) {
    const [r, c] = [Math.floor(index / cols), index % cols];
    body += `<rect x="${left + c * cell + 1}" y="${top + r * cell + 1}" width="${cell - 2}" height="${cell - 2}" fill="none" stroke="black" stroke-width="2"/>`;
  }
  colLabels.forEach((label, c) => {
    if (label)
      body += `<text x="${left + c * cell + cell - 3}" y="${top - 4}" font-size="9" transform="rotate(-60 ${left + c * cell + cell - 3} ${top - 4})">${escape(label)}</text>`;
  });
  body += sequential
    ? `<text x="${left + cols * cell + 8}" y="${top + 10}">red: ${fmt(hi)}</text><text x="${left + cols * cell + 8}" y="${top + 24}">white: ${fmt(lo)}</text>`
    : `<text x="${left + cols * cell + 8}" y="${top + 10}">red: +${fmt(max)}</text><text x="${left + cols * cell + 8}" y="${top + 24}">blue: -${fmt(max)}</text>`;
  if (marked.length > 0)
    body += `<text x="${left + cols * cell + 8}" y="${top + 38}">outlined: object</text>`;
  return svg(f, title, body);
}
