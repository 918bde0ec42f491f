/**
 * LLaVA-OneVision exports on the tiny fixture of scripts/fixtures/make-tiny-llava-onevision.py:
 * transformers.js's bare image processor (one resized view) and separate tokenizer, the
 * `<image>` expanded to the vision encoder's feature count (image_newline included), and
 * ablation, knockout and attribution against the PyTorch whole-sequence reference.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { AblationRunner } from "../../ablation/runner";
import { ask } from "../../analyses/ask";
import { attribute } from "../../analyses/attribute";
import { objectVsBackground } from "../../analyses/object-background/object-vs-background-image";
import { maxOf } from "../../math/extent";
import { decodeModel, encodeModel, int64Tensor } from "../../model/graph/onnx";
import { sliceImageKv } from "../../model/kv";
import { folderReader } from "../../node";
import { AnswerResultSchema, AttributionResultSchema } from "../../results/attribution-results";
import { deriveManifest } from "./config";
import { parityOf, referencePixels, testImage, type Parity } from "./fixture-inputs";
import { knockoutOverImageBlock } from "./knockout-parity";
import { maxAbsDiff } from "./max-abs-diff";
import { fixtureFolder, openFixture } from "./open-fixture";
import { prefillProcessed } from "./processed-prefill";
import type { ProcessedInputs } from "./processor";
import type { ThirdPartyHeadflow } from "./third-party-headflow";

/** The reference's fields for LLaVA-OneVision: 4-D pixels, the image features' count. */
interface OnevisionParity extends Parity {
  imageFeatures: number;
  pixelValues: { dims: [number, number, number, number] };
}

const FOLDER = fixtureFolder("tiny-llava-onevision");
const parity = parityOf<OnevisionParity>("tiny-llava-onevision");

describe("third-party export tiny-llava-onevision", () => {
  let model: ThirdPartyHeadflow;
  let processed: ProcessedInputs;

  beforeAll(async () => {
    model = await openFixture(folderReader(FOLDER), { id: "tiny-llava-onevision" });
    processed = await model.thirdParty.processor.process(
      testImage(parity.image.width, parity.image.height),
      parity.question,
    );
  });

  /** The reference's pixels (sin(0.37 i + 0.5) * 0.9), or the gray baseline. */
  function referenceInputs(which: "clean" | "baseline"): ProcessedInputs {
    const dims = parity.pixelValues.dims;
    const count = dims.reduce((a, b) => a * b, 1);
    const data = referencePixels(count, which, () => parity.baselinePixel);
    return { ...processed, pixelValues: { data, dims } };
  }

  it("derives the manifest: the text_config, the base view's patch grid", async () => {
    const manifest = await deriveManifest(folderReader(FOLDER));
    expect(manifest).toMatchObject({
      modelType: "llava_onevision",
      layers: 3,
      queryHeads: 4,
      kvHeads: 2,
      hiddenSize: 32,
      inputSize: 16,
      tokenGrid: [4, 4],
    });
    expect(manifest.architecture.imageTokensFromFeatures).toBe(true);
  });

  it("processes as the reference: one resized view, <image> expanded to the 17 features", () => {
    // 4 x 4 patches + the image_newline the vision encoder appends.
    expect(parity.imageFeatures).toBe(17);
    expect(processed.ids).toEqual(parity.inputIds);
    // LlavaOnevisionImageProcessor is the base ImageProcessor: no anyres tiles.
    expect(processed.pixelValues.dims).toEqual(parity.pixelValues.dims);
  });

  it("ablates through past_key_values exactly as the whole-sequence reference (<= 1e-4)", async () => {
    const { session, manifest } = model.thirdParty;
    const prompt = { question: parity.question, tokens: [] };
    const clean = await prefillProcessed(
      session,
      referenceInputs("clean"),
      manifest.imageTokenId,
      prompt,
    );
    expect([clean.prompt.imageStart, clean.prompt.imageEnd]).toEqual(parity.imageBlock);
    const base = await prefillProcessed(
      session,
      referenceInputs("baseline"),
      manifest.imageTokenId,
      prompt,
    );
    const baseline = sliceImageKv(base.cache, clean.prompt.imageStart, clean.prompt.imageEnd);
    const runner = new AblationRunner(session, clean, baseline);
    const masks = Uint8Array.from([
      ...new Array<number>(runner.maskSize).fill(0),
      ...parity.masks.flat(),
    ]);
    const logits = await runner.run(masks, parity.masks.length + 1, { batchSize: 3 });
    const vocab = session.dims.vocabSize;
    expect(maxAbsDiff(logits.subarray(0, vocab), parity.cleanLogits)).toBeLessThanOrEqual(1e-4);
    parity.ablatedLogits.forEach((expected, i) => {
      const row = logits.subarray((i + 1) * vocab, (i + 2) * vocab);
      expect(maxAbsDiff(row, expected)).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(row, parity.cleanLogits)).toBeGreaterThan(0.1);
    });
  });

  it("knocks out attention per key/value group as the PyTorch reference (<= 1e-4)", async () => {
    const { session, manifest } = model.thirdParty;
    expect(session.attentionUnavailable).toBeUndefined();
    const prompt = { question: parity.question, tokens: [] };
    const logits = await knockoutOverImageBlock(
      session,
      manifest.imageTokenId,
      prompt,
      { clean: referenceInputs("clean"), baseline: referenceInputs("baseline") },
      parity.masks,
    );
    const vocab = session.dims.vocabSize;
    const errors = [parity.cleanLogits, ...parity.ablatedLogits].map((expected, i) =>
      maxAbsDiff(logits.subarray(i * vocab, (i + 1) * vocab), expected),
    );
    expect(maxOf(errors)).toBeLessThanOrEqual(1e-4);
  });

  it("answers and attributes with the blank baseline over the 17-token block", async () => {
    const image = testImage(parity.image.width, parity.image.height);
    const answer = await ask(model, image, { top: 3 });
    expect(AnswerResultSchema.parse(answer).top).toHaveLength(3);
    const result = await attribute(model, image, {
      baseline: { kind: "blank" },
      settings: { samples: 96, alpha: 0.2, batchSize: 16 },
    });
    AttributionResultSchema.parse(result);
    expect([result.layers, result.heads]).toEqual([3, 2]);
    expect(result.imageTokenRange).toEqual(parity.imageBlock);
    expect(result.fit.heldOutR).toBeGreaterThan(0.5);
  });

  it("runs object vs background on the 4 x 4 grid, the image_newline with the whole image only", async () => {
    const result = await objectVsBackground(
      model,
      testImage(parity.image.width, parity.image.height),
    );
    expect(result.grid).toEqual([4, 4]);
    expect(result.wholeImage.patches).toBe(17);
    expect(result.object.patches + result.background.patches).toBe(16);
  });
});

describe("third-party export tiny-llava-onevision without image_newline", () => {
  it("counts 16 features, lays the block out as the 4 x 4 patch grid and runs object vs background", async () => {
    // Whether the published vision_encoder appends image_newline is not visible here (its
    // graph is Git LFS): the same export with the newline sliced off the encoder's output
    // must load too, its image tokens then being the base view's patch grid.
    const read = folderReader(FOLDER);
    const vision = decodeModel(await read("onnx/vision_encoder.onnx"));
    const graph = vision.graph!;
    const last = graph.node!.find((node) => node.output!.includes("image_features"))!;
    last.output = last.output!.map((name) => (name === "image_features" ? "with_newline" : name));
    graph.initializer!.push(
      int64Tensor("slice_starts", [1], [0]),
      int64Tensor("slice_ends", [1], [16]),
      int64Tensor("slice_axes", [1], [1]),
    );
    graph.node!.push({
      op_type: "Slice",
      input: ["with_newline", "slice_starts", "slice_ends", "slice_axes"],
      output: ["image_features"],
      name: "drop_newline",
    });
    const files: Record<string, Uint8Array> = { "onnx/vision_encoder.onnx": encodeModel(vision) };
    const model = await openFixture((path) =>
      path in files ? Promise.resolve(files[path]!) : read(path),
    );
    const image = testImage(parity.image.width, parity.image.height);
    const processed = await model.thirdParty.processor.process(image, parity.question);
    const imageIds = processed.ids.filter((id) => id === model.thirdParty.manifest.imageTokenId);
    expect(imageIds).toHaveLength(16);
    const result = await objectVsBackground(model, image);
    expect(result.grid).toEqual([4, 4]);
    await model.thirdParty.session.release();
  });
});
