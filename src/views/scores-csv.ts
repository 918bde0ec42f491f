/**
 * An attribution's per-head scores as CSV (one row per head: layer, head, score, and the
 * score's standard error when the result has one; empty where it is undefined), for
 * spreadsheets. Heads are 0-based, as everywhere in HeadFlow.
 */
import type { AttributionResult } from "../engine";

export function scoresCsv(result: AttributionResult): string {
  const errors = result.standardErrors;
  const rows = [errors ? "layer,head,score,standard_error" : "layer,head,score"];
  result.scores.forEach((heads, layer) =>
    heads.forEach((score, head) => {
      if (!errors) {
        rows.push(`${layer},${head},${score}`);
        return;
      }
      const error = errors[layer]?.[head];
      rows.push(`${layer},${head},${score},${error ?? ""}`);
    }),
  );
  return `${rows.join("\n")}\n`;
}
