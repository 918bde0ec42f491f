/**
 * What token flow and object vs background share: the knockout runner of one image, the
 * answer it measures and the object mask the token groups use.
 */
import { normalisationOf } from "../ablation/baseline";
import { HeadflowError } from "../errors";
import type { Headflow, NamedImage } from "../headflow";
import { toPixelValues } from "../model/image";
import { checkLayout, identityLayout, type ImageLayout } from "../model/image-layout";
import type { Prefilled } from "../model/prefill";
import type { Prompt } from "../model/tokenize";
import { KnockoutRunner } from "./flow/knockout";
import {
  DEFAULT_CONTRIBUTION_THRESHOLD,
  maskFromContributions,
  maskFromCoverage,
  patchIndices,
  type ObjectMaskSource,
} from "./object-background/object-mask";
import { onGrid } from "./object-background/layout-regions";
import { patchContributions } from "./object-background/object-vs-background";

/** Where the object patches come from (object-mask.ts). */
export type ObjectMaskSpec =
  | { source: "scene"; coverage: readonly number[]; threshold: number }
  | { source: "mask"; patches: readonly boolean[] }
  | { source: "contribution"; threshold?: number };

export interface KnockoutImageOptions {
  question?: string;
  answer?: string;
  objectMask?: ObjectMaskSpec;
  batchSize?: number;
  signal?: AbortSignal;
}

export interface KnockoutSetup {
  /** The prompt actually run (a processor's, with this image's tiles). */
  prompt: Prompt;
  /** Where the image-block positions lie on the display grid the mask and maps use. */
  layout: ImageLayout;
  runner: KnockoutRunner;
  answerId: number;
  run: { batchSize?: number; signal?: AbortSignal };
  /** Object flags per display cell (row-major over layout.grid). */
  mask: boolean[];
  objectMask: { source: ObjectMaskSource; threshold: number | null; patches: number[] };
  /** The per-cell map, when the mask was derived from it (so it is not computed twice). */
  contributions?: number[];
}

/** Refuses, before any work, a model whose graphs allow no attention knockout. */
export function requireAttentionAccess(model: Headflow, analysis: string): void {
  const reason = model.bundle.session.attentionUnavailable;
  if (reason !== undefined) throw new HeadflowError("bad-model", `${analysis}: ${reason}`);
}

export async function knockoutSetup(
  model: Headflow,
  image: NamedImage,
  options: KnockoutImageOptions,
  analysis: string,
): Promise<KnockoutSetup> {
  requireAttentionAccess(model, analysis);
  const session = model.bundle.session;
  const pixels = toPixelValues(image, normalisationOf(model.bundle));
  const prefilled = await model.prefill(image, model.prompt(options.question));
  const prompt = prefilled.prompt;
  const layout = layoutOf(prefilled, model.bundle.manifest.image.grid, analysis);
  const runner = await KnockoutRunner.create(session, prefilled, pixels);
  const clean = await runner.run([{ sources: [], targets: [], layers: [] }]);
  const answerId = model.answerId(options.answer, clean);
  const run = {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const resolved = await resolveObjectMask(
    options.objectMask ?? { source: "contribution" },
    runner,
    layout,
    model.bundle.manifest.image.grid,
    answerId,
    run,
  );
  return { prompt, layout, runner, answerId, run, ...resolved };
}

/**
 * The prefill's image layout; without one, the identity over the manifest's grid, which
 * fits only a block of exactly rows x cols positions.
 */
export function layoutOf(
  prefilled: Prefilled,
  grid: readonly [number, number],
  analysis: string,
): ImageLayout {
  const { imageStart, imageEnd } = prefilled.prompt;
  const positions = imageEnd - imageStart;
  const given = prefilled.imageLayout;
  if (typeof given === "string") throw new HeadflowError("bad-model", `${analysis}: ${given}`);
  if (given !== undefined) return checkLayout(given, positions);
  const [rows, cols] = grid;
  if (positions !== rows * cols) {
    throw new HeadflowError(
      "bad-model",
      `${analysis}: this prompt's image block has ${positions} positions, not one ${rows}x${cols} patch grid, and the model gives no layout for it`,
    );
  }
  return identityLayout(grid);
}

/**
 * The object mask a spec names, on the layout's display grid; for `contribution`, the
 * per-cell map is computed (and returned, so `objectVsBackground` need not compute it
 * twice). A scene coverage or user mask is given on the display grid, or on the model's
 * nominal grid (the mask panel's and the CLI's), then carried over by nearest cell.
 */
async function resolveObjectMask(
  spec: ObjectMaskSpec,
  runner: KnockoutRunner,
  layout: ImageLayout,
  nominal: readonly [number, number],
  answerId: number,
  run: { batchSize?: number; signal?: AbortSignal },
): Promise<Pick<KnockoutSetup, "mask" | "objectMask" | "contributions">> {
  const [rows, cols] = layout.grid;
  const cells = rows * cols;
  const gridOf = (length: number) => (length === cells ? layout.grid : nominal);
  let mask: boolean[];
  let threshold: number | null = null;
  let contributions: number[] | undefined;
  if (spec.source === "contribution") {
    contributions = (await patchContributions(runner, layout, answerId, run)).contributions;
    threshold = spec.threshold ?? DEFAULT_CONTRIBUTION_THRESHOLD;
    mask = maskFromContributions(contributions, threshold);
  } else if (spec.source === "scene") {
    threshold = spec.threshold;
    const coverage = onGrid(
      spec.coverage,
      gridOf(spec.coverage.length),
      layout.grid,
      "the scene's patchCoverage",
    );
    mask = maskFromCoverage(coverage, cells, spec.threshold);
  } else {
    mask = onGrid(spec.patches, gridOf(spec.patches.length), layout.grid, "the object mask");
  }
  const objectMask = { source: spec.source, threshold, patches: patchIndices(mask) };
  return { mask, objectMask, ...(contributions ? { contributions } : {}) };
}
