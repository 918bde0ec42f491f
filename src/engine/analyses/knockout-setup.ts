/**
 * What token flow and object vs background share: the knockout runner of one image, the
 * answer it measures and the object mask the token groups use.
 */
import { normalisationOf } from "../ablation/baseline";
import { HeadflowError } from "../errors";
import type { Headflow, NamedImage } from "../headflow";
import { toPixelValues } from "../model/image";
import type { Prompt } from "../model/tokenize";
import { KnockoutRunner } from "./flow/knockout";
import {
  DEFAULT_CONTRIBUTION_THRESHOLD,
  maskFromContributions,
  maskFromCoverage,
  patchIndices,
  type ObjectMaskSource,
} from "./object-background/object-mask";
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
  prompt: Prompt;
  runner: KnockoutRunner;
  answerId: number;
  run: { batchSize?: number; signal?: AbortSignal };
  mask: boolean[];
  objectMask: { source: ObjectMaskSource; threshold: number | null; patches: number[] };
  /** The per-patch map, when the mask was derived from it (so it is not computed twice). */
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
  const prompt = model.prompt(options.question);
  const session = model.bundle.session;
  const pixels = toPixelValues(image, normalisationOf(model.bundle));
  const runner = await KnockoutRunner.create(session, await model.prefill(image, prompt), pixels);
  const clean = await runner.run([{ sources: [], targets: [], layers: [] }]);
  const answerId = model.answerId(options.answer, clean);
  const run = {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const resolved = await resolveObjectMask(
    options.objectMask ?? { source: "contribution" },
    runner,
    answerId,
    run,
  );
  return { prompt, runner, answerId, run, ...resolved };
}

/**
 * The object mask a spec names; for `contribution`, the per-patch map is computed (and
 * returned, so `objectVsBackground` need not compute it twice).
 */
async function resolveObjectMask(
  spec: ObjectMaskSpec,
  runner: KnockoutRunner,
  answerId: number,
  run: { batchSize?: number; signal?: AbortSignal },
): Promise<Pick<KnockoutSetup, "mask" | "objectMask" | "contributions">> {
  // The image block's positions (what the token groups split): the image's tokens for the
  // bundled model; a processor's block may also hold tokens between tiles.
  const { imageStart, imageEnd } = runner.prefilled.prompt;
  const patches = imageEnd - imageStart;
  let mask: boolean[];
  let threshold: number | null = null;
  let contributions: number[] | undefined;
  if (spec.source === "contribution") {
    contributions = (await patchContributions(runner, answerId, run)).contributions;
    threshold = spec.threshold ?? DEFAULT_CONTRIBUTION_THRESHOLD;
    mask = maskFromContributions(contributions, threshold);
  } else if (spec.source === "scene") {
    threshold = spec.threshold;
    mask = maskFromCoverage(spec.coverage, patches, spec.threshold);
  } else {
    mask = [...spec.patches];
  }
  if (mask.length !== patches) {
    throw new HeadflowError(
      "bad-argument",
      `the object mask has ${mask.length} patches, the model's image ${patches}`,
    );
  }
  const objectMask = { source: spec.source, threshold, patches: patchIndices(mask) };
  return { mask, objectMask, ...(contributions ? { contributions } : {}) };
}
