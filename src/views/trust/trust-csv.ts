/**
 * The trust views' numbers as CSV, one row per head (0-based layer and head, as
 * everywhere in HeadFlow). Text fields (baseline names) are quoted, so a name with a comma
 * or a quote stays one field.
 */
import type { AttentionEffect, BaselinesResult, CompareResult } from "../../engine";

/** A CSV field: numbers as they are, text quoted with inner quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  return `"${value.replace(/"/g, '""')}"`;
}

const csv = (rows: (string | number | null)[][]) =>
  `${rows.map((row) => row.map(csvField).join(",")).join("\n")}\n`;

export function attentionEffectCsv(result: AttentionEffect): string {
  return csv([
    ["layer", "head", "attention", "effect", "attention_rank", "effect_rank", "rank_gap"],
    ...result.points.map((p) => [
      p.layer,
      p.head,
      p.attention,
      p.effect,
      p.attentionRank,
      p.effectRank,
      p.rankGap,
    ]),
  ]);
}

export function baselinesCsv(result: BaselinesResult): string {
  const header = ["layer", "head", "rank_spread"];
  for (const baseline of result.baselines) header.push(`score ${baseline}`, `rank ${baseline}`);
  const rows = [...result.heads]
    .sort((a, b) => a.layer - b.layer || a.head - b.head)
    .map((h) => [
      h.layer,
      h.head,
      h.rankSpread,
      ...h.scores.flatMap((score, i) => [score, h.ranks[i]!]),
    ]);
  return csv([header, ...rows]);
}

export function compareCsv(result: CompareResult): string {
  const rows: (string | number | null)[][] = [
    ["side", "layer", "head", "relative_depth", "score", "difference_b_minus_a"],
  ];
  for (const key of ["a", "b"] as const) {
    const side = result[key];
    side.scores.forEach((heads, layer) =>
      heads.forEach((score, head) =>
        rows.push([
          key,
          layer,
          head,
          layer / side.layers,
          score,
          result.difference?.[layer]?.[head] ?? null,
        ]),
      ),
    );
  }
  return csv(rows);
}
