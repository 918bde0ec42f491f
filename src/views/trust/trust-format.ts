/** How the trust views write their numbers: 3 significant digits, a plain minus sign. */
import { format } from "d3";

const significant3 = format(".3~g");

export function formatNumber(value: number): string {
  return significant3(value).replace("−", "-");
}

/** A correlation, or why there is none (a constant series has no correlation). */
export function formatCorrelation(value: number | null): string {
  return value === null ? "undefined (a constant series)" : value.toFixed(3);
}

/** A share of k heads as "3 of 10 (30%)". */
export function formatOverlap(overlap: number, k: number): string {
  return `${Math.round(overlap * k)} of ${k} (${Math.round(overlap * 100)}%)`;
}
