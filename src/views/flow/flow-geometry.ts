/**
 * Layout of the token flow's group graph and curves: where each token group sits, the arc
 * an edge takes, how thick an edge is for a knockout effect, and how a window is named.
 * Pure numbers, tested beside this file; FlowGraph.tsx and FlowCurves.tsx draw them.
 */
import { type FlowResult, TOKEN_GROUPS, type TokenGroup } from "../../engine";

export const GROUP_LABELS: Record<TokenGroup, string> = {
  prefix: "Prefix",
  imageObject: "Image: object",
  imageBackground: "Image: background",
  question: "Question",
  role: "Role",
  final: "Final",
};

/** One colour per group, for nodes, token chips and the curves of edges from it. */
export const GROUP_COLOURS: Record<TokenGroup, string> = {
  prefix: "#7a7f89",
  imageObject: "#d35400",
  imageBackground: "#b7950b",
  question: "#2c5bbf",
  role: "#8e44ad",
  final: "#1e8449",
};

export type FlowCurve = FlowResult["curves"][number];

/** x of each group's node, in prompt order, spread evenly between the margins. */
export function nodeX(group: TokenGroup, width: number, margin: number): number {
  const i = TOKEN_GROUPS.indexOf(group);
  return margin + (i * (width - 2 * margin)) / (TOKEN_GROUPS.length - 1);
}

/** An arc above the baseline from x1 to x2, its height growing with the distance. */
export function arcPath(x1: number, x2: number, baseline: number, lift = 0.45): string {
  const mid = (x1 + x2) / 2;
  const height = Math.abs(x2 - x1) * lift;
  return `M${x1},${baseline} Q${mid},${baseline - 2 * height} ${x2},${baseline}`;
}

/** The largest |change| over every curve and window (0 when nothing changes). */
export function maxAbsChange(curves: readonly FlowCurve[]): number {
  let max = 0;
  for (const curve of curves) for (const c of curve.change) max = Math.max(max, Math.abs(c));
  return max;
}

/** Stroke width of an edge: proportional to |change|, at least a hairline when drawn. */
export function edgeWidth(change: number, maxAbs: number, maxWidth = 14): number {
  if (!(maxAbs > 0) || !Number.isFinite(change)) return 0.5;
  return Math.max(0.5, (Math.abs(change) / maxAbs) * maxWidth);
}

/** "layers 2–3" (or "layer 7" at the clipped top) for the window starting at `start`. */
export function windowLabel(start: number, window: number, layers: number): string {
  const end = Math.min(layers, start + window) - 1;
  return end <= start ? `layer ${start}` : `layers ${start}–${end}`;
}

/** The curves into one target group. */
export function curvesInto(curves: readonly FlowCurve[], target: TokenGroup): FlowCurve[] {
  return curves.filter((c) => c.target === target);
}

/** Target groups that have at least one curve, in prompt order. */
export function targetsOf(curves: readonly FlowCurve[]): TokenGroup[] {
  return TOKEN_GROUPS.filter((g) => curves.some((c) => c.target === g));
}

/** How an effect is written: a relative change of the answer probability, in percent. */
export function formatPercentChange(change: number): string {
  if (!Number.isFinite(change)) return "undefined";
  const percent = change * 100;
  const text = Math.abs(percent) < 0.05 ? "0.0" : percent.toFixed(1);
  return `${percent > 0 && text !== "0.0" ? "+" : ""}${text.replace("-", "−")}%`;
}
