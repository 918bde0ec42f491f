/**
 * Qwen2-VL exports on the tiny fixture of scripts/fixtures/make-tiny-qwen2vl.py: the
 * transformers.js processor's ids, patches and grid, its get_rope_index positions against
 * the script's own implementation, and ablation and knockout against the PyTorch
 * whole-sequence reference (3-D rotary positions in the prefill, continued over the past
 * for the batched suffixes).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { AblationRunner } from "../../ablation/runner";
import { ask } from "../../analyses/ask";
import { attribute } from "../../analyses/attribute";
import { cleanAttentions } from "../../analyses/attention/clean-attentions";
import { maxOf } from "../../math/extent";
import { decodeModel, encodeModel } from "../../model/graph/onnx";
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

/** Qwen2-VL's reference: flattened patches, a gray per channel, 3-D positions, a generation. */
interface QwenParity extends Omit<Parity, "pixelValues" | "baselinePixel"> {
  imageGridThw: [number, number, number];
  positionIds: number[][];
  ropeDelta: number;
  pixelValues: { dims: [number, number] };
  baselinePixels: [number, number, number];
  generatedIds: number[];
  generatedLogits: number[];
}

const FOLDER = fixtureFolder("tiny-qwen2vl");
const parity = parityOf<QwenParity>("tiny-qwen2vl");

describe("third-party export tiny-qwen2vl", () => {
  let model: ThirdPartyHeadflow;
  let processed: ProcessedInputs;

  beforeAll(async () => {
    model = await openFixture(folderReader(FOLDER), { id: "tiny-qwen2vl" });
    processed = await model.thirdParty.processor.process(
      testImage(parity.image.width, parity.image.height),
      parity.question,
    );
  });

  /** The reference's pixels (sin(0.37 i + 0.5) * 0.9, or the gray baseline per channel). */
  function referenceInputs(which: "clean" | "baseline"): ProcessedInputs {
    const [n, flat] = parity.pixelValues.dims;
    const perChannel = flat / 3;
    const data = referencePixels(
      n * flat,
      which,
      (i) => parity.baselinePixels[Math.floor((i % flat) / perChannel)]!,
    );
    return { ...processed, pixelValues: { data, dims: [n, flat] } };
  }

  it("derives the manifest: top-level text config, the nominal square's grid, get_rope_index's fields", async () => {
    const manifest = await deriveManifest(folderReader(FOLDER));
    expect(manifest).toMatchObject({
      modelType: "qwen2_vl",
      layers: 3,
      queryHeads: 4,
      kvHeads: 2,
      headDim: 8,
      hiddenSize: 32,
      // max_pixels 24 x 24, patch 4 x merge 2: a 24-pixel square, 3 x 3 tokens.
      inputSize: 24,
      tokenGrid: [3, 3],
      rope: { vision_config: { spatial_merge_size: 2 } },
    });
    expect(manifest.capabilities).toMatchObject({ headUnit: "kv-group" });
  });

  it("processes as the reference: <|image_pad|> expanded to the grid, patches flattened, 3-D positions", () => {
    expect(processed.ids).toEqual(parity.inputIds);
    expect(processed.pixelValues.dims).toEqual(parity.pixelValues.dims);
    expect(Array.from(processed.imageGridThw!.data, Number)).toEqual(parity.imageGridThw);
    // transformers.js's get_rope_index against the fixture script's own implementation.
    const rope = processed.rope!;
    expect(rope.positions).toEqual(parity.positionIds);
    expect(rope.delta).toBe(parity.ropeDelta);
    // Past the prompt: transformers.js's generation step, past_length + rope_delta.
    const n = parity.inputIds.length;
    expect([0, 1, 2].map((axis) => rope.at(n + 2, axis))).toEqual(
      new Array(3).fill(n + 2 + parity.ropeDelta),
    );
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

  it("generates past the prompt at t + rope delta, as the PyTorch greedy reference (<= 1e-4)", async () => {
    const { session, manifest } = model.thirdParty;
    const prompt = { question: parity.question, tokens: [] };
    const prefilled = await prefillProcessed(
      session,
      referenceInputs("clean"),
      manifest.imageTokenId,
      prompt,
    );
    let step = await session.decode({
      embeds: prefilled.suffixEmbeds,
      batch: 1,
      length: prefilled.suffixLength,
      past: prefilled.cache,
      wantPresent: true,
      logits: "last",
    });
    const argmax = (v: Float32Array) => v.indexOf(maxOf(v));
    const tokens: number[] = [];
    for (let i = 0; i < parity.generatedIds.length; i++) {
      tokens.push(argmax(step.logits));
      step = await session.decode({
        embeds: await session.embed([tokens.at(-1)!]),
        batch: 1,
        length: 1,
        past: step.present!,
        wantPresent: true,
        logits: "last",
      });
    }
    expect(tokens).toEqual(parity.generatedIds);
    expect(maxAbsDiff(step.logits, parity.generatedLogits)).toBeLessThanOrEqual(1e-4);
  });

  it("needs the 3-D positions: 1-D ones (t, t, t) give other logits", async () => {
    // Guards the check above against a decoder that would ignore position_ids' layout.
    const { session, manifest } = model.thirdParty;
    const inputs = referenceInputs("clean");
    const flat = inputs.rope!.positions[0]!.map((_, t) => t);
    const { MropeLayout } = await import("./mrope");
    const wrong = { ...inputs, rope: new MropeLayout([flat, flat, flat], 0) };
    const prompt = { question: parity.question, tokens: [] };
    const prefilled = await prefillProcessed(session, wrong, manifest.imageTokenId, prompt);
    const { logits } = await session.decode({
      embeds: prefilled.suffixEmbeds,
      batch: 1,
      length: prefilled.suffixLength,
      past: prefilled.cache,
      logits: "last",
    });
    expect(maxAbsDiff(logits, parity.cleanLogits)).toBeGreaterThan(1e-2);
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

  it("answers, attributes with the blank baseline and returns attention weights", async () => {
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
    expect(model.thirdParty.manifest.capabilities).toMatchObject({
      attentionWeights: true,
      knockout: true,
    });
    const prefilled = await model.prefill(image, model.prompt());
    const attentions = await cleanAttentions(model.thirdParty.session, prefilled);
    const total = prefilled.cache.length + prefilled.suffixLength;
    for (const layer of attentions) {
      for (let r = 0; r < layer.length / total; r++) {
        const row = layer.subarray(r * total, (r + 1) * total);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
    }
  });
});

describe("third-party export tiny-qwen2vl as Qwen2.5-VL", () => {
  it("loads with model_type qwen2_5_vl and the grid input named image_grid_thw, and gives the reference logits", async () => {
    // The same fixture with Qwen2.5-VL's two differences as transformers.js sees them
    // (modeling_qwen2_5_vl.js: image_grid_thw_name; the processor is Qwen2VLProcessor's).
    const read = folderReader(FOLDER);
    const config = JSON.parse(new TextDecoder().decode(await read("config.json"))) as object;
    const vision = decodeModel(await read("onnx/vision_encoder.onnx"));
    const rename = (name: string) => (name === "grid_thw" ? "image_grid_thw" : name);
    for (const input of vision.graph!.input!) input.name = rename(input.name!);
    for (const node of vision.graph!.node!) node.input = node.input!.map(rename);
    const files: Record<string, Uint8Array> = {
      "config.json": new TextEncoder().encode(
        JSON.stringify({ ...config, model_type: "qwen2_5_vl" }),
      ),
      "onnx/vision_encoder.onnx": encodeModel(vision),
    };
    const model = await openFixture((path) =>
      path in files ? Promise.resolve(files[path]!) : read(path),
    );
    expect(model.thirdParty.manifest.modelType).toBe("qwen2_5_vl");
    const { session, manifest, processor } = model.thirdParty;
    const processed = await processor.process(
      testImage(parity.image.width, parity.image.height),
      parity.question,
    );
    expect(processed.rope!.positions).toEqual(parity.positionIds);
    const [n, flat] = parity.pixelValues.dims;
    const data = Float32Array.from({ length: n * flat }, (_, i) =>
      Math.fround(Math.sin(i * 0.37 + 0.5) * 0.9),
    );
    const prefilled = await prefillProcessed(
      session,
      { ...processed, pixelValues: { data, dims: [n, flat] } },
      manifest.imageTokenId,
      { question: parity.question, tokens: [] },
    );
    const { logits } = await session.decode({
      embeds: prefilled.suffixEmbeds,
      batch: 1,
      length: prefilled.suffixLength,
      past: prefilled.cache,
      logits: "last",
    });
    expect(maxAbsDiff(logits, parity.cleanLogits)).toBeLessThanOrEqual(1e-4);
    await session.release();
  });
});
