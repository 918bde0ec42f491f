/**
 * A third-party export as a `Headflow` model context. Every analysis runs through the same
 * code as the built-in model; what depends on the export is injected as `ModelSources`:
 *
 * - prefill: the export's own processor (transformers.js) makes ids and pixels from the
 *   real image, so Idefics3 image splitting follows the image's size, and the prompt
 *   actually run (the processor's) is what results record;
 * - baselines: made for the same image size, so their token layout matches the clean run;
 * - the image layout: where each image-block position lies on the image, from the
 *   processor's output (image-layout-of.ts), for the patch-level analyses.
 */
import type { BaselineSpec, ImageDecoder } from "../../ablation/baseline";
import { HeadflowError } from "../../errors";
import { Headflow, type ModelSources } from "../../headflow";
import type { Bundle } from "../../model/bundle";
import { BLANK_GRAY, solidImage, type RgbaImage } from "../../model/image";
import { sliceImageKv, type ImageKv } from "../../model/kv";
import type { Prefilled } from "../../model/prefill";
import type { ThirdPartyManifest } from "./config";
import type { ThirdPartySession } from "./export-session";
import { imageLayoutOf } from "./image-layout-of";
import { prefillProcessed } from "./processed-prefill";
import type { VlmProcessor } from "./processor";
import type { ThirdPartyTokenizer } from "./tokenizer";

export interface ThirdPartyParts {
  manifest: ThirdPartyManifest;
  processor: VlmProcessor;
  session: ThirdPartySession;
  tokenizer: ThirdPartyTokenizer;
}

export class ThirdPartyHeadflow extends Headflow {
  readonly thirdParty: ThirdPartyParts;

  constructor(bundle: Bundle, decodeImage: ImageDecoder, runtime: string, parts: ThirdPartyParts) {
    super(bundle, decodeImage, runtime, processorSources(parts));
    this.thirdParty = parts;
  }
}

/** Prefill and baselines through the export's processor. */
export function processorSources(parts: ThirdPartyParts): ModelSources {
  const { processor, session, tokenizer, manifest } = parts;
  return {
    async prefill(image, prompt) {
      const inputs = await processor.process(image, prompt.question);
      tokenizer.checkLength(inputs.ids);
      const prefilled = await prefillProcessed(session, inputs, manifest.imageTokenId, {
        question: prompt.question,
        tokens: inputs.ids.map((id) => tokenizer.tokenText(id)),
      });
      const { imageStart, imageEnd } = prefilled.prompt;
      const imageLayout = imageLayoutOf(
        inputs,
        manifest.imageTokenId,
        [imageStart, imageEnd],
        manifest.tokenGrid,
        manifest.rope?.vision_config.spatial_merge_size,
      );
      return { ...prefilled, imageLayout };
    },
    baseline: (spec, clean, image) => baselineKvFor(parts, spec, clean, image),
    // The blank baseline is drawn at the analysed image's size; the layout is in the ids.
    baselineScope: (clean, image) => `${image.width}x${image.height}|${clean.prompt.ids.join(",")}`,
  };
}

async function baselineKvFor(
  parts: ThirdPartyParts,
  spec: BaselineSpec,
  clean: Prefilled,
  image: RgbaImage,
): Promise<ImageKv> {
  if (spec.kind === "mean") {
    throw new HeadflowError(
      "bad-argument",
      "the mean baseline needs reference images, which a third-party export does not have: use the blank baseline (--baseline blank) or image:<file> with an image of the same size",
    );
  }
  const source = spec.kind === "blank" ? grayLike(image) : spec.image;
  const name = spec.kind === "image" ? spec.name : "blank";
  const { processor, session, manifest } = parts;
  const { prompt } = clean;
  const inputs = await processor.process(source, prompt.question);
  if (inputs.ids.join(",") !== prompt.ids.join(",")) {
    throw new HeadflowError(
      "bad-argument",
      `the baseline image ${name} (${source.width}x${source.height}) gives a different token layout than the analysed image: use an image of the same size`,
    );
  }
  const base = await prefillProcessed(session, inputs, manifest.imageTokenId, {
    question: prompt.question,
    tokens: prompt.tokens,
  });
  return sliceImageKv(base.cache, prompt.imageStart, prompt.imageEnd);
}

/** A uniform gray image (the blank baseline) at `image`'s size: the same tiles and tokens. */
function grayLike(image: RgbaImage): RgbaImage {
  const square = solidImage(1, BLANK_GRAY);
  const data = new Uint8Array(image.width * image.height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(square.data.subarray(0, 4), i);
  return { width: image.width, height: image.height, data };
}
