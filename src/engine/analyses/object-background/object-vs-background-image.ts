/** `objectVsBackground`: how much the answer reads the object patches, the background, the image. */
import type { Headflow, NamedImage } from "../../headflow";
import { PATCHES_SCHEMA, type PatchesResult } from "../../results/analysis-results";
import { knockoutSetup, type KnockoutImageOptions } from "../knockout-setup";
import { headGrid, imageRef } from "../labels";
import { blockImageRegions } from "./object-vs-background";

export async function objectVsBackground(
  model: Headflow,
  image: NamedImage,
  options: KnockoutImageOptions = {},
): Promise<PatchesResult> {
  const started = performance.now();
  const { prompt, runner, answerId, run, mask, objectMask, contributions } = await knockoutSetup(
    model,
    image,
    options,
    "object vs background is unavailable",
  );
  const result = await blockImageRegions(runner, answerId, mask, {
    ...run,
    ...(contributions ? { contributions } : {}),
  });
  const [rows, cols] = model.bundle.manifest.image.grid;
  return {
    schema: PATCHES_SCHEMA,
    model: model.modelRef(),
    image: imageRef(image),
    question: prompt.question,
    answer: { token: model.tokenText(answerId), id: answerId },
    grid: [rows, cols],
    objectMask,
    cleanProbability: result.cleanProbability,
    object: result.object,
    background: result.background,
    wholeImage: result.image,
    contributions: headGrid(result.contributions, rows, cols),
    timings: { totalMs: performance.now() - started },
    runtime: model.runtime,
    createdAt: new Date().toISOString(),
  };
}
