/**
 * Object vs background (paper finding 4): how much the answer depends on the text reading
 * the object patches vs the background patches. Text -> image edges are blocked in every
 * layer (the window is the whole model), from all text after the image (question, role
 * and final tokens), to:
 * - the object patches, the background patches, all patches (one knockout each);
 * - each single patch p (the contribution map: the drop of the answer probability when
 *   text cannot read patch p).
 *
 * Over an image layout (model/image-layout.ts, layout-regions.ts): "object" blocks every
 * position covering an object cell, "background" every position covering only
 * background cells, "image" the whole block (tokens between tiles included). The map
 * knocks out each position covering cells on its own and spreads its drop evenly over
 * the cells it covers (spreadOverCells); with the identity layout that is the per-patch
 * drop itself.
 */
import type { ImageLayout } from "../../model/image-layout";
import { answerProbabilities } from "../flow/flow";
import type { Knockout, KnockoutRunner } from "../flow/knockout";
import { coveringOffsets, layoutRegions, spreadOverCells } from "./layout-regions";

export interface PatchBlock {
  /** Image-block positions blocked (tokens; one per patch with the identity layout). */
  patches: number;
  probability: number;
  /** p_clean - p_blocked: positive when blocking hurts the answer. */
  drop: number;
  /** drop / number of patches: the average patch's share, for groups of unequal size. */
  dropPerPatch: number;
}

export interface PatchAnalysis {
  cleanProbability: number;
  object: PatchBlock;
  background: PatchBlock;
  image: PatchBlock;
  /** Per display cell (row-major): p_clean - p with text -> that patch blocked, spread. */
  contributions: number[];
}

/** The text positions (after the image) and the image positions of a prompt. */
function textAndImage(runner: KnockoutRunner): { text: number[]; image: number[] } {
  const { imageStart, imageEnd } = runner.prefilled.prompt;
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
  return { text: range(imageEnd, runner.length), image: range(imageStart, imageEnd) };
}

/** Per-cell contributions only (for a mask from the contribution map). */
export async function patchContributions(
  runner: KnockoutRunner,
  layout: ImageLayout,
  answerId: number,
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<{ cleanProbability: number; contributions: number[] }> {
  const { text, image } = textAndImage(runner);
  const all = Array.from({ length: runner.session.dims.layers }, (_, l) => l);
  // Positions that cover no cell are not on the map: their single knockouts are not run.
  const knockouts: Knockout[] = [
    { sources: [], targets: [], layers: [] },
    ...coveringOffsets(layout).map((k) => ({ sources: [image[k]!], targets: text, layers: all })),
  ];
  const probabilities = answerProbabilities(
    await runner.run(knockouts, options),
    runner.session.dims.vocabSize,
    answerId,
  );
  const clean = probabilities[0]!;
  const drops = probabilities.slice(1).map((p) => clean - p);
  return { cleanProbability: clean, contributions: spreadOverCells(layout, drops) };
}

/** Object / background / whole-image blocks for an object mask on the display grid, plus the map. */
export async function blockImageRegions(
  runner: KnockoutRunner,
  layout: ImageLayout,
  answerId: number,
  objectMask: readonly boolean[],
  options: { batchSize?: number; signal?: AbortSignal; contributions?: number[] } = {},
): Promise<PatchAnalysis> {
  const { text, image } = textAndImage(runner);
  const all = Array.from({ length: runner.session.dims.layers }, (_, l) => l);
  const regions = layoutRegions(layout, objectMask);
  const object = regions.object.map((k) => image[k]!);
  const background = regions.background.map((k) => image[k]!);
  const blocks = [object, background, image];
  const knockouts: Knockout[] = [
    { sources: [], targets: [], layers: [] },
    ...blocks.map((sources) => ({ sources, targets: text, layers: all })),
  ];
  const probabilities = answerProbabilities(
    await runner.run(knockouts, options),
    runner.session.dims.vocabSize,
    answerId,
  );
  const clean = probabilities[0]!;
  const block = (i: number): PatchBlock => {
    const patches = blocks[i]!.length;
    const probability = probabilities[i + 1]!;
    const drop = clean - probability;
    return { patches, probability, drop, dropPerPatch: patches > 0 ? drop / patches : 0 };
  };
  const contributions =
    options.contributions ??
    (await patchContributions(runner, layout, answerId, options)).contributions;
  return {
    cleanProbability: clean,
    object: block(0),
    background: block(1),
    image: block(2),
    contributions,
  };
}
