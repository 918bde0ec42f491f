/**
 * Third-party exports (bring your own VLM) on the tiny fixtures of scripts/fixtures/make-tiny-vlms.py:
 * manifest derivation, the transformers.js processor's prompt, ablation exactness against
 * the PyTorch whole-sequence reference, ask and a small attribution, and clear errors.
 */
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { HeadflowError } from "../../errors";
import type { ReadFile } from "../../model/files";
import { BLANK_GRAY, solidImage } from "../../model/image";
import { folderReader, nodeImageDecoder } from "../../node";
import { AnswerResultSchema, AttributionResultSchema } from "../../results/attribution-results";
import {
  EvaluateResultSchema,
  FlowResultSchema,
  PatchesResultSchema,
} from "../../results/analysis-results";
import { deriveManifest } from "./config";
import type { ThirdPartyHeadflow } from "./third-party-headflow";
import { isThirdPartyExport, loadThirdParty } from "./load";
import { knockoutOverImageBlock } from "./knockout-parity";
import { parityOf, referenceInputs, testImage } from "./fixture-inputs";
import { maxAbsDiff } from "./max-abs-diff";
import { parityAblation } from "./parity-ablation";
import { fixtureFolder, openFixture } from "./open-fixture";
import { ask } from "../../analyses/ask";
import { ablate } from "../../analyses/ablate";
import { attribute } from "../../analyses/attribute";
import { flow } from "../../analyses/flow/flow-image";
import { objectVsBackground } from "../../analyses/object-background/object-vs-background-image";
import { evaluate } from "../../analyses/rankings/evaluate-image";
import { cleanAttentions } from "../../analyses/attention/clean-attentions";
import { maxOf } from "../../math/extent";
import { decodeModel, encodeModel } from "../../model/graph/onnx";

const FIXTURES = ["tiny-smolvlm", "tiny-llava"] as const;
const load = (read: ReadFile, id = "fixture") =>
  openFixture(read, { id, runtime: "onnxruntime-node (cpu)" });

/** A reader that answers some paths with other bytes (a broken copy of a fixture). */
function overlay(read: ReadFile, files: Record<string, Uint8Array | null>): ReadFile {
  return async (path) => {
    if (!(path in files)) return read(path);
    const bytes = files[path];
    if (bytes === null || bytes === undefined)
      throw new HeadflowError("bad-model", `model file ${path} is missing`);
    return bytes;
  };
}

describe.each(FIXTURES)("third-party export %s", (name) => {
  const parity = parityOf(name);
  let model: ThirdPartyHeadflow;

  beforeAll(async () => {
    model = await load(folderReader(fixtureFolder(name)), name);
  });

  it("derives the manifest from config.json and the processor files", async () => {
    const manifest = await deriveManifest(folderReader(fixtureFolder(name)));
    expect(manifest).toMatchObject({
      layers: 3,
      queryHeads: 4,
      kvHeads: 2,
      headDim: 8,
      hiddenSize: 32,
      graphs: {
        vision: "onnx/vision_encoder.onnx",
        embed: "onnx/embed_tokens.onnx",
        decoder: "onnx/decoder_model_merged.onnx",
      },
    });
    expect(manifest.capabilities).toMatchObject({
      ablation: true,
      attribution: true,
      headUnit: "kv-group",
      attentionWeights: false,
      knockout: false,
    });
    expect(model.bundle.manifest.heads).toBe(2);
    expect(model.modelRef().name).toContain("key/value groups");
    expect(await isThirdPartyExport(folderReader(fixtureFolder(name)))).toBe(true);
    expect(await isThirdPartyExport(folderReader("public/models/emoji-vlm"))).toBe(false);
  });

  it("tokenises through transformers.js exactly as the reference prompt", async () => {
    const image = testImage(parity.image.width, parity.image.height);
    const inputs = await model.thirdParty.processor.process(image, parity.question);
    expect(inputs.ids).toEqual(parity.inputIds);
    expect(inputs.pixelValues.dims).toEqual(parity.pixelValues.dims);
  });

  it("ablates through past_key_values exactly as the whole-sequence reference (<= 1e-4)", async () => {
    const { session } = model.thirdParty;
    const { clean, runner } = await parityAblation(model.thirdParty, parity);
    expect([clean.prompt.imageStart, clean.prompt.imageEnd]).toEqual(parity.imageBlock);
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
      // The ablation really moves the logits (so the check above is not vacuous).
      expect(maxAbsDiff(row, parity.cleanLogits)).toBeGreaterThan(0.1);
    });
  });

  it("answers a question", async () => {
    const result = await ask(model, testImage(parity.image.width, parity.image.height), { top: 3 });
    expect(AnswerResultSchema.parse(result).top).toHaveLength(3);
    expect(result.question).toBe(parity.question);
  });

  it("attributes over key/value groups with the blank baseline", async () => {
    const image = testImage(parity.image.width, parity.image.height);
    const result = await attribute(model, image, {
      baseline: { kind: "blank" },
      settings: { samples: 96, alpha: 0.2, batchSize: 16 },
    });
    AttributionResultSchema.parse(result);
    expect(result.layers).toBe(3);
    expect(result.heads).toBe(2);
    expect(result.scores.flat().every(Number.isFinite)).toBe(true);
    expect(result.promptTokens).toHaveLength(parity.inputIds.length);
    expect(result.imageTokenRange).toEqual(parity.imageBlock);
    expect(result.fit.heldOutR).toBeGreaterThan(0.5);
  });

  it("refuses the mean baseline with the way out", async () => {
    await expect(
      ablate(model, testImage(parity.image.width, parity.image.height), {
        heads: [{ layer: 0, head: 0 }],
      }),
    ).rejects.toThrow(/mean baseline needs reference images.*blank/);
  });

  it("knocks out attention per key/value group as the PyTorch whole-sequence reference (<= 1e-4)", async () => {
    // The reference's ablations, done inside attention instead of in the cache: one run
    // of prefix | image block | baseline image block | text, the text routed per layer and
    // key/value group to the image or the baseline copy by attention_bias
    // (ablation/whole-sequence.ts). Checks the bias reaches the right layer and heads.
    const { session, manifest } = model.thirdParty;
    const prompt = { question: parity.question, tokens: [] };
    const logits = await knockoutOverImageBlock(
      session,
      manifest.imageTokenId,
      prompt,
      { clean: referenceInputs(parity, "clean"), baseline: referenceInputs(parity, "baseline") },
      parity.masks,
    );
    const vocab = session.dims.vocabSize;
    const errors = [parity.cleanLogits, ...parity.ablatedLogits].map((expected, i) =>
      maxAbsDiff(logits.subarray(i * vocab, (i + 1) * vocab), expected),
    );
    expect(maxOf(errors)).toBeLessThanOrEqual(1e-4);
  });

  it("returns attention weights per key/value group: rows sum to 1, causal, the mean of the query heads'", async () => {
    const { session } = model.thirdParty;
    expect(session.attentionUnavailable).toBeUndefined();
    const prefilled = await model.prefill(
      testImage(parity.image.width, parity.image.height),
      model.prompt(),
    );
    const attentions = await cleanAttentions(session, prefilled);
    const { heads } = session.dims;
    const rows = prefilled.suffixLength;
    const total = prefilled.cache.length + rows;
    expect(attentions).toHaveLength(3);
    for (const layer of attentions) {
      expect(layer).toHaveLength(heads * rows * total);
      for (let r = 0; r < heads * rows; r++) {
        const row = layer.subarray(r * total, (r + 1) * total);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        const query = prefilled.cache.length + (r % rows);
        expect(row.subarray(query + 1).every((p) => p === 0)).toBe(true);
      }
    }
  });

  it("runs token flow, object vs background and the ranking evaluation", async () => {
    const image = { ...testImage(parity.image.width, parity.image.height), name: "t.png" };
    expect(model.thirdParty.manifest.capabilities).toMatchObject({
      attentionWeights: true,
      knockout: true,
    });
    const flowResult = await flow(model, image, { batchSize: 4 });
    FlowResultSchema.parse(flowResult);
    expect(flowResult.curves.length).toBeGreaterThan(0);
    const patches = await objectVsBackground(model, image, { batchSize: 4 });
    PatchesResultSchema.parse(patches);
    // LLaVA: its 4 x 4 patch grid. SmolVLM's block holds 2 x 2 tiles of 2 x 2 tokens (and
    // a global view, separators): the tiles' 4 x 4 mosaic (layout-analyses.test.ts).
    expect(patches.grid).toEqual([4, 4]);
    const ranking = await evaluate(model, image, {
      baseline: { kind: "blank" },
      settings: { attribution: { samples: 48, batchSize: 16 } },
    });
    EvaluateResultSchema.parse(ranking);
  });
});

describe("third-party export errors", () => {
  const read = folderReader(fixtureFolder("tiny-smolvlm"));
  const config = JSON.parse(
    readFileSync(`${fixtureFolder("tiny-smolvlm")}/config.json`, "utf8"),
  ) as object;
  const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

  it("names a missing file", async () => {
    await expect(load(overlay(read, { "config.json": null }))).rejects.toThrow(
      /model file config.json is missing/,
    );
    await expect(load(overlay(read, { "onnx/decoder_model_merged.onnx": null }))).rejects.toThrow(
      /onnx\/decoder_model_merged.onnx is missing, and so are its other dtype variants \(onnx\/decoder_model_merged_quantized.onnx, /,
    );
  });

  it("names an unsupported model_type and what is supported", async () => {
    await expect(
      load(overlay(read, { "config.json": bytes({ ...config, model_type: "qwen3_vl" }) })),
    ).rejects.toThrow(/unsupported model_type "qwen3_vl".*llava, idefics3, smolvlm/);
    await expect(
      load(overlay(read, { "config.json": bytes({ ...config, model_type: "multi_modality" }) })),
    ).rejects.toThrow(/unsupported model_type "multi_modality" \(Janus: .*prepare_inputs_embeds/);
  });

  it("says a corrupt graph is corrupt", async () => {
    await expect(
      load(overlay(read, { "onnx/vision_encoder.onnx": new Uint8Array([1, 2, 3, 4]) })),
    ).rejects.toThrow(/model file onnx\/vision_encoder.onnx is corrupt/);
  });

  it("names config problems: heads not in groups, no image token", async () => {
    const text = (config as { text_config: object }).text_config;
    await expect(
      deriveManifest(
        overlay(read, {
          "config.json": bytes({ ...config, text_config: { ...text, num_key_value_heads: 3 } }),
        }),
      ),
    ).rejects.toThrow(/num_attention_heads 4 is not a multiple of num_key_value_heads 3/);
    const { image_token_id: _dropped, ...noToken } = config as { image_token_id: number };
    await expect(deriveManifest(overlay(read, { "config.json": bytes(noToken) }))).rejects.toThrow(
      /names no image token \(image_token_id or image_token_index\)/,
    );
  });

  it("refuses the attention-level analyses up front, saying why, when the decoder cannot get the attention interface", async () => {
    // A second Softmax in layer 1 (as a router would be) makes the layer's attention ambiguous.
    const model = decodeModel(
      new Uint8Array(
        readFileSync(`${fixtureFolder("tiny-smolvlm")}/onnx/decoder_model_merged.onnx`),
      ),
    );
    const nodes = model.graph!.node!;
    const at = nodes.findIndex((n) => n.name === "/text/Softmax_1");
    nodes.splice(at + 1, 0, { ...nodes[at]!, name: "router", output: ["router_out"] });
    const loaded = await load(
      overlay(read, { "onnx/decoder_model_merged.onnx": encodeModel(model) }),
    );
    const why =
      /^token flow is unavailable: attention weights and attention knockout are unavailable for this model: the decoder's layer 1 has 2 Softmax nodes/;
    const image = { ...testImage(64, 48), name: "t.png" };
    await expect(flow(loaded, image)).rejects.toThrow(why);
    await expect(evaluate(loaded, image, { baseline: { kind: "blank" } })).rejects.toThrow(
      /ranking evaluation is unavailable: attention weights and attention knockout are unavailable/,
    );
    expect(loaded.thirdParty.manifest.capabilities).toMatchObject({
      attentionWeights: false,
      knockout: false,
    });
    expect(loaded.thirdParty.manifest.capabilities.notes.join(" ")).toMatch(
      /layer 1 has 2 Softmax nodes.*token-level flow are unavailable/,
    );
    // Ask and ablation still run.
    expect((await ask(loaded, image, { top: 1 })).top).toHaveLength(1);
  });

  it("opens the quantised variant when a folder holds only that", async () => {
    const decoder = readFileSync(`${fixtureFolder("tiny-smolvlm")}/onnx/decoder_model_merged.onnx`);
    const model = await load(
      overlay(read, {
        "onnx/decoder_model_merged.onnx": null,
        "onnx/decoder_model_merged_quantized.onnx": new Uint8Array(decoder),
      }),
    );
    expect(model.thirdParty.manifest.graphs.decoder).toBe(
      "onnx/decoder_model_merged_quantized.onnx",
    );
    expect(model.thirdParty.manifest.dtype).toBe("vision fp32, embed fp32, decoder q8");
  });

  it("refuses an unknown dtype, and names the missing file of a dtype asked for", async () => {
    await expect(loadThirdParty(read, ort, nodeImageDecoder, { dtype: "fp8" })).rejects.toThrow(
      /dtype "fp8" is not a transformers.js dtype/,
    );
    await expect(loadThirdParty(read, ort, nodeImageDecoder, { dtype: "fp16" })).rejects.toThrow(
      /^model file onnx\/vision_encoder_fp16.onnx is missing/,
    );
  });
});

// A gray image gives uniform pixel values: the blank baseline the reference uses.
it("the blank baseline's pixels are the reference's gray", () => {
  const gray = solidImage(2, BLANK_GRAY);
  expect(((gray.data[0]! / 255 - 0.5) / 0.5).toFixed(6)).toBe(
    parityOf("tiny-llava").baselinePixel.toFixed(6),
  );
});
