/**
 * The named splits the generator writes (seed, size and art styles of each), kept apart
 * from the CLI in generate.ts so that tests can check which styles each split draws.
 */
import {
  EXTRA_TRAIN_STYLES,
  isExtraTrainStyle,
  OOD_STYLES,
  type Style,
  TRAIN_STYLES,
} from "./categories.ts";
import type { SplitOptions } from "./split.ts";

/** Default train count: see README.md ("Choosing the train size") for the measurement. */
export const DEFAULT_TRAIN_COUNT = 300_000;

/**
 * Default splits, in the order `npm run model:data` writes them: what training needs
 * first (the reference and held-out sets are small, so a trainer can start on them while
 * train is written), then the out-of-style evaluation sets.
 */
export const DEFAULT_SPLITS: readonly Omit<SplitOptions, "out">[] = [
  { name: "reference", seed: 3, count: 32, styles: TRAIN_STYLES },
  { name: "heldout", seed: 2, count: 4000, styles: TRAIN_STYLES },
  { name: "train", seed: 1, count: DEFAULT_TRAIN_COUNT, styles: TRAIN_STYLES },
  { name: "ood-emojione", seed: 4, count: 1000, styles: ["emojione"] },
  { name: "ood-noto-v1", seed: 4, count: 1000, styles: ["noto-v1"] },
];

/**
 * train-dr's styles: the five main ones and the extra training-only sets, for more
 * art-style diversity (categories.ts). Styles take turns scene by scene (scene.ts), so
 * each of the eight draws 1/8 of the split and each main style 5/8 of its former share.
 * Uniform because the aim is style diversity, and 37,500 scenes per main style remain
 * (about 290 per category), while heldout-dr keeps measuring exactly those five.
 */
export const TRAIN_DR_STYLES: readonly Style[] = [...TRAIN_STYLES, ...EXTRA_TRAIN_STYLES];

/**
 * Domain-randomised splits (randomise.ts): not part of `npm run model:data`;
 * written with `--split train-dr` / `--split heldout-dr` (or any name with `--dr`).
 * Only train-dr draws the extra sets: heldout-dr's scenes and targets are unchanged.
 */
export const DR_SPLITS: readonly Omit<SplitOptions, "out">[] = [
  { name: "heldout-dr", seed: 12, count: 4000, styles: TRAIN_STYLES, dr: true },
  { name: "train-dr", seed: 11, count: DEFAULT_TRAIN_COUNT, styles: TRAIN_DR_STYLES, dr: true },
];

/** Evaluation split names: never drawn in an extra training-only style. */
const EVALUATION_SPLIT = /^(heldout|ood-|reference|robust)/;

/**
 * Why a split may not draw these styles, or undefined if it may: the reserved sets only in
 * `ood-*` splits, the extra training-only sets never in an evaluation split.
 */
export function styleProblem(name: string, styles: readonly Style[]): string | undefined {
  const reserved = styles.filter((s) => (OOD_STYLES as readonly string[]).includes(s));
  if (reserved.length && !name.startsWith("ood-"))
    return `styles ${reserved.join(",")} are reserved for evaluation: use a split named ood-*`;
  const extra = styles.filter(isExtraTrainStyle);
  if (extra.length && EVALUATION_SPLIT.test(name))
    return `styles ${extra.join(",")} are training-only: not for evaluation split ${name}`;
  return undefined;
}
