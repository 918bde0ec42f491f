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
  const { prompt, layout, runner, answerId, run, mask, objectMask, contributions } =
    await knockoutSetup(model, image, options, "object vs background is unavailable");
  // The result's grid is the display grid: the model's patch grid, or for a processor
  // that tiles the image (Idefics3 / SmolVLM) the mosaic of its tiles (image-layout.ts).
  const [rows, cols] = layout.grid;
  const result = await blockImageRegions(runner, layout, answerId, mask, {
    ...run,
    ...(contributions ? { contributions } : {}),
  });
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
