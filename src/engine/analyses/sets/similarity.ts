/**
 * Image x image similarity of attribution vectors and the test of the paper's finding 2
 * (head selection follows the object's category, not its appearance):
 *
 *   statistic = mean similarity over pairs with the same category and different styles
 *             - mean similarity over pairs with the same style and different categories.
 *
 * Permutation scheme (Mantel-style): under the null hypothesis the similarities do not
 * depend on the labels, so the (category, style) label pairs are exchangeable between
 * images. Each permutation reassigns the images' label pairs by a seeded uniform shuffle
 * (keeping every image's category and style together, hence the design: how many images
 * per category, per style, per cell) and recomputes the statistic on the same similarity
 * matrix. p = (1 + #{permuted >= observed}) / (1 + permutations): one-sided, in the
 * direction the paper claims, and never 0.
 */
import { mulberry32 } from "../../math/random";
import { pearson } from "../../math/stats";

/** Pearson similarity of every pair of vectors; null where a vector is constant. */
export function similarityMatrix(vectors: readonly ArrayLike<number>[]): (number | null)[][] {
  const n = vectors.length;
  const out: (number | null)[][] = Array.from({ length: n }, () => new Array(n).fill(null));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const r = pearson(vectors[i]!, vectors[j]!);
      const value = Number.isFinite(r) ? r : null;
      out[i]![j] = value;
      out[j]![i] = value;
    }
  }
  return out;
}

export interface ItemLabels {
  category: string | null;
  style: string | null;
}

export interface SemanticTest {
  /** Mean similarity of same-category, different-style pairs (semantic matches). */
  sameCategoryDifferentStyle: { mean: number; pairs: number };
  /** Mean similarity of same-style, different-category pairs (appearance matches). */
  sameStyleDifferentCategory: { mean: number; pairs: number };
  /** The first mean minus the second. */
  difference: number;
  pValue: number;
  permutations: number;
  seed: number;
}

export const DEFAULT_PERMUTATIONS = 10_000;

/** The statistic for images labelled `labels[perm[i]]` (perm = identity: observed). */
function statistic(
  similarity: readonly (readonly (number | null)[])[],
  categories: readonly number[],
  styles: readonly number[],
  perm: readonly number[],
): { semantic: number; semanticPairs: number; appearance: number; appearancePairs: number } {
  let semantic = 0;
  let semanticPairs = 0;
  let appearance = 0;
  let appearancePairs = 0;
  const n = perm.length;
  for (let i = 0; i < n; i++) {
    const ci = categories[perm[i]!]!;
    const si = styles[perm[i]!]!;
    const row = similarity[i]!;
    for (let j = i + 1; j < n; j++) {
      const value = row[j];
      if (value === null || value === undefined) continue;
      const sameCategory = ci === categories[perm[j]!]!;
      const sameStyle = si === styles[perm[j]!]!;
      if (sameCategory && !sameStyle) {
        semantic += value;
        semanticPairs++;
      } else if (sameStyle && !sameCategory) {
        appearance += value;
        appearancePairs++;
      }
    }
  }
  return { semantic, semanticPairs, appearance, appearancePairs };
}

/** Labels as small integers (faster to compare in the permutation loop). */
function codes(values: readonly (string | null)[]): number[] {
  const seen = new Map<string, number>();
  return values.map((value, i) => {
    // An unlabelled item gets a code of its own, so it matches nothing.
    if (value === null) return -1 - i;
    if (!seen.has(value)) seen.set(value, seen.size);
    return seen.get(value)!;
  });
}

/**
 * The semantic-vs-appearance test, or null when either kind of pair is missing (e.g. all
 * images share a style, or labels are absent).
 */
export function semanticVsAppearance(
  similarity: readonly (readonly (number | null)[])[],
  labels: readonly ItemLabels[],
  permutations = DEFAULT_PERMUTATIONS,
  seed = 0,
): SemanticTest | null {
  const n = labels.length;
  const categories = codes(labels.map((l) => l.category));
  const styles = codes(labels.map((l) => l.style));
  const identity = Array.from({ length: n }, (_, i) => i);
  const observed = statistic(similarity, categories, styles, identity);
  if (observed.semanticPairs === 0 || observed.appearancePairs === 0) return null;
  const diff = (s: ReturnType<typeof statistic>) =>
    s.semanticPairs > 0 && s.appearancePairs > 0
      ? s.semantic / s.semanticPairs - s.appearance / s.appearancePairs
      : Number.NaN;
  const difference = diff(observed);
  const random = mulberry32(seed);
  const perm = identity.slice();
  let atLeast = 0;
  for (let p = 0; p < permutations; p++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    // Float sums of the same pairs in another order may differ in the last bit.
    if (diff(statistic(similarity, categories, styles, perm)) >= difference - 1e-12) atLeast++;
  }
  return {
    sameCategoryDifferentStyle: {
      mean: observed.semantic / observed.semanticPairs,
      pairs: observed.semanticPairs,
    },
    sameStyleDifferentCategory: {
      mean: observed.appearance / observed.appearancePairs,
      pairs: observed.appearancePairs,
    },
    difference,
    pValue: (1 + atLeast) / (1 + permutations),
    permutations,
    seed,
  };
}
