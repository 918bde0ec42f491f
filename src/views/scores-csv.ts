/**
 * An attribution's per-head scores as CSV (one row per head: layer, head, score), for
 * spreadsheets. Heads are 0-based, as everywhere in HeadFlow.
 */
import type { AttributionResult } from "../engine/result";

export function scoresCsv(result: AttributionResult): string {
  const rows = ["layer,head,score"];
  result.scores.forEach((heads, layer) =>
    heads.forEach((score, head) => rows.push(`${layer},${head},${score}`)),
  );
  return `${rows.join("\n")}\n`;
}
