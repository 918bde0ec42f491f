/**
 * Faithfulness and completeness of a head ranking (docs/PAPER.md, "Evaluation"), for
 * k = 0..all heads:
 * - faithfulness(k): the target with only the top-k heads intact (all others ablated);
 * - completeness(k): the drop of the target when the top-k heads are ablated;
 * both on the scale where all heads ablated = 0 and clean = 1, so faithfulness(k) =
 * (y_keep(k) - y_all) / (y_clean - y_all) and completeness(k) = (y_clean - y_drop(k)) /
 * (y_clean - y_all). Both are 0 at k = 0 and 1 at k = all, by construction.
 */
import type { EvaluateMasks } from "../../attribution/attribute-heads";

export interface RankingCurves {
  /** Index k = number of top heads; length size + 1. null where the scale is undefined. */
  faithfulness: (number | null)[];
  completeness: (number | null)[];
  /** Raw targets: with only the top-k kept, and with the top-k ablated. */
  keptTargets: number[];
  droppedTargets: number[];
}

/**
 * The 2 (size + 1) masks one ranking needs: rows 0..size keep the top-k (ablate the
 * rest), rows size+1..2 size+1 ablate the top-k.
 */
export function curveMasks(order: readonly number[], size: number): Uint8Array {
  if (order.length !== size) throw new Error("curveMasks: the order must list every head once");
  const masks = new Uint8Array(2 * (size + 1) * size);
  for (let k = 0; k <= size; k++) {
    const keep = masks.subarray(k * size, (k + 1) * size);
    keep.fill(1);
    const drop = masks.subarray((size + 1 + k) * size, (size + 2 + k) * size);
    for (let i = 0; i < k; i++) {
      keep[order[i]!] = 0;
      drop[order[i]!] = 1;
    }
  }
  return masks;
}

/** (y - low) / (high - low), or null when the scale collapses (clean = all ablated). */
export function scaled(y: number, low: number, high: number): number | null {
  const span = high - low;
  if (!(Math.abs(span) > 1e-12) || !Number.isFinite(y)) return null;
  return (y - low) / span;
}

/** Curves from the targets of `curveMasks(order, size)`. */
export function curvesFromTargets(targets: ArrayLike<number>, size: number): RankingCurves {
  const keptTargets = Array.from({ length: size + 1 }, (_, k) => targets[k]!);
  const droppedTargets = Array.from({ length: size + 1 }, (_, k) => targets[size + 1 + k]!);
  // The endpoints fix the scale: keeping none = all ablated; dropping none = clean.
  const clean = droppedTargets[0]!;
  const all = keptTargets[0]!;
  return {
    faithfulness: keptTargets.map((y) => scaled(y, all, clean)),
    completeness: droppedTargets.map((y) => scaled(clean - y, 0, clean - all)),
    keptTargets,
    droppedTargets,
  };
}

/** The smallest k whose value reaches `level`, or null if none does. */
export function smallestKReaching(curve: readonly (number | null)[], level: number): number | null {
  const k = curve.findIndex((value) => value !== null && value >= level);
  return k < 0 ? null : k;
}

/** Curves of several rankings, all masks in one batched evaluation. */
export async function rankingCurves(
  evaluate: EvaluateMasks,
  orders: readonly (readonly number[])[],
  size: number,
): Promise<RankingCurves[]> {
  const per = 2 * (size + 1);
  const masks = new Uint8Array(orders.length * per * size);
  orders.forEach((order, r) => masks.set(curveMasks(order, size), r * per * size));
  const targets = await evaluate(masks, orders.length * per);
  return orders.map((_, r) => curvesFromTargets(targets.subarray(r * per, (r + 1) * per), size));
}
