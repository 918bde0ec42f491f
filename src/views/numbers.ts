/** How the explorer writes its numbers (probabilities, logits, durations). */
import { format } from "d3";

const fixed3 = format(".3f");
const signed3 = format("+.3f");

export const formatProbability = (p: number) => `${(p * 100).toFixed(1)}%`;

export const formatLogit = (value: number) => fixed3(value).replace("−", "-");

export const formatChange = (value: number) => signed3(value).replace("−", "-");

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "…";
  if (ms < 1000) return "under a second";
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
