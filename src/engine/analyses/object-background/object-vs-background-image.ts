/** `objectVsBackground`: how much the answer reads the object patches, the background, the image. */
import { HeadflowError } from "../../errors";
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
  const [rows, cols] = model.bundle.manifest.image.grid;
  // The result is a patch grid: one image of rows x cols tokens. A processor that splits
  // the image into tiles (Idefics3 / SmolVLM) puts more positions in the image block.
  const positions = prompt.imageEnd - prompt.imageStart;
  if (positions !== rows * cols)
    throw new HeadflowError(
      "bad-model",
      `object vs background is unavailable: this prompt's image block has ${positions} positions (image tiles and the tokens between them), not one ${rows}x${cols} patch grid`,
    );
  const result = await blockImageRegions(runner, answerId, mask, {
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
