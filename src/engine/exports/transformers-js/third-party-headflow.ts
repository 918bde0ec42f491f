/**
 * ThirdPartyHeadflow: the shared front door (../headflow.ts) over a third-party export.
 * Every analysis the stock graphs allow (ask, ablate, attribute, single-head ranking,
 * evaluation) runs through the same code as the built-in model; only the three steps that
 * depend on the export differ and are overridden here:
 *
 * - prefill: the export's own processor (transformers.js) makes ids and pixels from the
 *   real image, so Idefics3 image splitting follows the image's size;
 * - runner: the baseline is made for the same image size, so its token layout matches;
 * - attribute: the result records the prompt actually run (the processor's), not the
 *   nominal one.
 */
import { HeadflowError } from "../../errors";
import { Headflow, type AttributeOptions, type NamedImage } from "../../headflow";
import type { BaselineSpec, ImageDecoder } from "../../ablation/baseline";
import type { Bundle } from "../../model/bundle";
import { solidImage, BLANK_GRAY, type RgbaImage } from "../../model/image";
import { sliceImageKv, type ImageKv } from "../../model/kv";
import type { Prefilled } from "../../model/prefill";
import type { AttributionResult } from "../../results/attribution-results";
import { AblationRunner } from "../../ablation/runner";
import type { Prompt } from "../../model/tokenize";
import type { ThirdPartyManifest } from "./config";
import { prefillProcessed } from "./processed-prefill";
import type { VlmProcessor } from "./processor";
import type { ThirdPartySession } from "./export-session";
import type { ThirdPartyTokenizer } from "./tokenizer";

export interface ThirdPartyParts {
  manifest: ThirdPartyManifest;
  processor: VlmProcessor;
  session: ThirdPartySession;
  tokenizer: ThirdPartyTokenizer;
}

/** FNV-1a of an image's size and pixels (tells apart `image:` baselines with one name). */
function imageKey(image: RgbaImage): string {
  let hash = 0x811c9dc5;
  for (const byte of image.data) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return `${image.width}x${image.height}:${hash.toString(16)}`;
}

/** A uniform gray image (the blank baseline) at `image`'s size: the same tiles and tokens. */
function grayLike(image: RgbaImage): RgbaImage {
  const square = solidImage(1, BLANK_GRAY);
  const data = new Uint8Array(image.width * image.height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(square.data.subarray(0, 4), i);
  return { width: image.width, height: image.height, data };
}

export class ThirdPartyHeadflow extends Headflow {
  readonly thirdParty: ThirdPartyParts;
  private readonly kvBaselines = new Map<string, Promise<ImageKv>>();
  /** The prompt of the latest prefill (the worker and CLI run one analysis at a time). */
  private lastPrompt: Prompt | null = null;

  constructor(bundle: Bundle, decodeImage: ImageDecoder, runtime: string, parts: ThirdPartyParts) {
    super(bundle, decodeImage, runtime);
    this.thirdParty = parts;
  }

  override async prefill(image: RgbaImage, prompt: Prompt): Promise<Prefilled> {
    const { processor, session, tokenizer, manifest } = this.thirdParty;
    const inputs = await processor.process(image, prompt.question);
    tokenizer.checkLength(inputs.ids);
    const prefilled = await prefillProcessed(session, inputs, manifest.imageTokenId, {
      question: prompt.question,
      tokens: inputs.ids.map((id) => tokenizer.tokenText(id)),
    });
    this.lastPrompt = prefilled.prompt;
    return prefilled;
  }

  override async runner(
    image: RgbaImage,
    prompt: Prompt,
    spec: BaselineSpec,
  ): Promise<AblationRunner> {
    const prefilled = await this.prefill(image, prompt);
    const baseline = await this.baselineFor(spec, image, prefilled);
    this.lastPrompt = prefilled.prompt;
    return new AblationRunner(this.bundle.session, prefilled, baseline);
  }

  override async attribute(
    image: NamedImage,
    options: AttributeOptions = {},
  ): Promise<AttributionResult> {
    const result = await super.attribute(image, options);
    const prompt = this.lastPrompt;
    if (!prompt) return result;
    return {
      ...result,
      promptTokens: prompt.tokens,
      imageTokenRange: [prompt.imageStart, prompt.imageEnd],
    };
  }

  /** The baseline's key/values over the clean run's image block, cached per size. */
  private baselineFor(spec: BaselineSpec, image: RgbaImage, clean: Prefilled): Promise<ImageKv> {
    if (spec.kind === "mean") {
      return Promise.reject(
        new HeadflowError(
          "bad-argument",
          "the mean baseline needs reference images, which a third-party export does not have: use the blank baseline (--baseline blank) or image:<file> with an image of the same size",
        ),
      );
    }
    const source = spec.kind === "blank" ? grayLike(image) : spec.image;
    const { prompt } = clean;
    const key = `${spec.kind}|${imageKey(source)}|${prompt.ids.join(",")}`;
    let kv = this.kvBaselines.get(key);
    if (!kv) {
      kv = this.computeBaseline(source, clean, spec.kind === "image" ? spec.name : "blank");
      kv.catch(() => this.kvBaselines.delete(key));
      this.kvBaselines.set(key, kv);
    }
    return kv;
  }

  private async computeBaseline(source: RgbaImage, clean: Prefilled, name: string) {
    const { processor, session, manifest } = this.thirdParty;
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
}
