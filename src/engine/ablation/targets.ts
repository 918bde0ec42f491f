/**
 * What an ablation is measured by, computed from final-position logits: the answer
 * token's logit (default), its log-probability, or its margin over the best other token.
 */
export type TargetKind = "logit" | "logprob" | "margin";
export const TARGET_KINDS: readonly TargetKind[] = ["logit", "logprob", "margin"];

/** The target of one logits row `logits[row * vocab .. (row + 1) * vocab)`. */
export function targetValue(
  logits: Float32Array,
  row: number,
  vocab: number,
  answerId: number,
  kind: TargetKind,
): number {
  const base = row * vocab;
  const answer = logits[base + answerId]!;
  if (kind === "logit") return answer;
  if (kind === "margin") {
    let best = -Infinity;
    for (let v = 0; v < vocab; v++) if (v !== answerId) best = Math.max(best, logits[base + v]!);
    return answer - best;
  }
  return answer - logSumExp(logits, base, vocab);
}

export function logSumExp(logits: Float32Array, base: number, vocab: number): number {
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) max = Math.max(max, logits[base + v]!);
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(logits[base + v]! - max);
  return max + Math.log(sum);
}

export interface TokenScore {
  id: number;
  token: string;
  probability: number;
  logit: number;
}

/** The k most probable tokens of a logits row, best first. */
export function topTokens(
  logits: Float32Array,
  row: number,
  vocab: number,
  k: number,
  tokenText: (id: number) => string,
): TokenScore[] {
  const base = row * vocab;
  const lse = logSumExp(logits, base, vocab);
  const ids = Array.from({ length: vocab }, (_, v) => v);
  ids.sort((a, b) => logits[base + b]! - logits[base + a]!);
  return ids.slice(0, Math.max(0, k)).map((id) => ({
    id,
    token: tokenText(id),
    probability: Math.exp(logits[base + id]! - lse),
    logit: logits[base + id]!,
  }));
}

export function argmax(logits: Float32Array, row: number, vocab: number): number {
  const base = row * vocab;
  let best = 0;
  for (let v = 1; v < vocab; v++) if (logits[base + v]! > logits[base + best]!) best = v;
  return best;
}
