/**
 * Token-level flow (docs/PAPER.md): for each (source -> target) pair of token groups,
 * block the target's attention to the source within a window of w consecutive layers,
 * slide the window across the layers and record the answer probability. One curve per
 * pair, one point per window start layer l (window = layers l .. min(l + w, L) - 1, so the
 * last windows are clipped at the top layer and every layer has a point).
 */
import { HeadflowError } from "../../errors";
import { KnockoutRunner, type Knockout } from "./knockout";
import { logSumExp } from "../../ablation/targets";
import { TOKEN_GROUPS, type TokenGroup, type TokenGroups } from "./token-groups";

/**
 * Default window: a quarter of the layers (2 of the bundled model's 8). One layer alone
 * is easily bypassed (a neighbouring layer's heads can still move the information), while
 * a window of half the model or more blurs where along the depth the flow happens; a
 * quarter follows Geva et al.'s choice of a window that is a small fraction of the depth.
 * `--window` overrides it.
 */
export function defaultWindow(layers: number): number {
  return Math.max(1, Math.round(layers / 4));
}

export interface FlowPair {
  source: TokenGroup;
  target: TokenGroup;
}

/**
 * Default pairs: every group to every later group in the prompt layout (edges exist only
 * from later to earlier positions), image-object and image-background taken separately.
 */
export function defaultPairs(): FlowPair[] {
  const order: TokenGroup[][] = [
    ["prefix"],
    ["imageObject", "imageBackground"],
    ["question"],
    ["role"],
    ["final"],
  ];
  const pairs: FlowPair[] = [];
  order.forEach((sources, i) => {
    for (const source of sources)
      for (const later of order.slice(i + 1))
        for (const target of later) pairs.push({ source, target });
  });
  return pairs;
}

/** Parses `source->target[,source->target...]` with the group names of TOKEN_GROUPS. */
export function parsePairs(text: string): FlowPair[] {
  const names = TOKEN_GROUPS as readonly string[];
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const [source, target, extra] = part.split("->").map((s) => s.trim());
      if (
        !source ||
        !target ||
        extra !== undefined ||
        !names.includes(source) ||
        !names.includes(target)
      ) {
        throw new HeadflowError(
          "bad-argument",
          `bad pair "${part}": write source->target with groups ${TOKEN_GROUPS.join(", ")}`,
        );
      }
      return { source: source as TokenGroup, target: target as TokenGroup };
    });
}

/** Layers of the window starting at `start` (clipped at the top); empty when w = 0. */
export function windowLayers(start: number, window: number, layers: number): number[] {
  const end = Math.min(layers, start + window);
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}

export interface FlowCurve extends FlowPair {
  /** Per window start layer: the answer probability with the edges blocked. */
  probability: number[];
  /** Relative change (p - p_clean) / p_clean, per window start layer. */
  change: number[];
}

export interface FlowCurves {
  cleanProbability: number;
  window: number;
  curves: FlowCurve[];
}

/** Probability of `answerId` in every row of `[rows, vocab]` logits. */
export function answerProbabilities(
  logits: Float32Array,
  vocab: number,
  answerId: number,
): number[] {
  const rows = logits.length / vocab;
  return Array.from({ length: rows }, (_, r) =>
    Math.exp(logits[r * vocab + answerId]! - logSumExp(logits, r * vocab, vocab)),
  );
}

export async function flowCurves(
  runner: KnockoutRunner,
  groups: TokenGroups,
  pairs: readonly FlowPair[],
  window: number,
  answerId: number,
  options: {
    batchSize?: number;
    signal?: AbortSignal;
    onBatch?: (done: number, total: number) => void;
  } = {},
): Promise<FlowCurves> {
  const { layers, vocabSize } = runner.session.dims;
  if (!Number.isInteger(window) || window < 0 || window > layers) {
    throw new HeadflowError(
      "bad-argument",
      `the window must be 0..${layers} layers (got ${window})`,
    );
  }
  // Row 0 is the clean run (nothing blocked); then pair-major, window-minor.
  const knockouts: Knockout[] = [{ sources: [], targets: [], layers: [] }];
  for (const pair of pairs) {
    for (let start = 0; start < layers; start++) {
      knockouts.push({
        sources: groups[pair.source],
        targets: groups[pair.target],
        layers: windowLayers(start, window, layers),
      });
    }
  }
  const logits = await runner.run(knockouts, {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onBatch: (done) => options.onBatch?.(done, knockouts.length),
  });
  const probabilities = answerProbabilities(logits, vocabSize, answerId);
  const clean = probabilities[0]!;
  const curves = pairs.map((pair, i) => {
    const probability = probabilities.slice(1 + i * layers, 1 + (i + 1) * layers);
    return { ...pair, probability, change: probability.map((p) => (p - clean) / clean) };
  });
  return { cleanProbability: clean, window, curves };
}
