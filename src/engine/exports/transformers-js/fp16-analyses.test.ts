/**
 * Every analysis on a whole fp16 export: tiny-llava's float16 variant
 * (scripts/fixtures/make-dtype-fixtures.py: float16 inputs, cache and logits; its decoder's
 * MatMul/Softmax attention gets the interface with the bias cast like the scores). Ask,
 * attribution, token flow, object vs background and the ranking evaluation run and give
 * schema-valid results; attention knockout is checked against the float32 model's PyTorch
 * whole-sequence reference to float16 precision (2^-8 of the largest logit, as the fp16
 * ablation in dtype.test.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { AnswerResultSchema, AttributionResultSchema } from "../../results/attribution-results";
import {
  EvaluateResultSchema,
  FlowResultSchema,
  PatchesResultSchema,
} from "../../results/analysis-results";
import { ask } from "../../analyses/ask";
import { attribute } from "../../analyses/attribute";
import { flow } from "../../analyses/flow/flow-image";
import { objectVsBackground } from "../../analyses/object-background/object-vs-background-image";
import { evaluate } from "../../analyses/rankings/evaluate-image";
import { maxOf } from "../../math/extent";
import { knockoutOverImageBlock } from "./knockout-parity";
import { parityOf, referenceInputs, testImage } from "./fixture-inputs";
import { maxAbsDiff } from "./max-abs-diff";
import { openFixture, tinyLlavaWithFp16 } from "./open-fixture";
import type { ThirdPartyHeadflow } from "./third-party-headflow";

const parity = parityOf("tiny-llava");

describe("every analysis on tiny-llava's fp16 export", () => {
  let model: ThirdPartyHeadflow;
  const image = testImage(parity.image.width, parity.image.height);
  beforeAll(async () => {
    model = await openFixture(tinyLlavaWithFp16(), {
      id: "tiny-llava",
      runtime: "onnxruntime-node (cpu)",
      dtype: "fp16",
    });
  });

  it("opens the float16 graphs with the attention interface", () => {
    expect(model.thirdParty.manifest.dtype).toBe("fp16");
    expect(model.thirdParty.manifest.capabilities).toMatchObject({
      attentionWeights: true,
      knockout: true,
    });
  });

  it("answers and attributes", async () => {
    const answer = await ask(model, image, { top: 3 });
    expect(AnswerResultSchema.parse(answer).top).toHaveLength(3);
    const result = await attribute(model, image, {
      baseline: { kind: "blank" },
      settings: { samples: 96, alpha: 0.2, batchSize: 16 },
    });
    AttributionResultSchema.parse(result);
    expect(result.scores.flat().every(Number.isFinite)).toBe(true);
    expect(result.fit.heldOutR).toBeGreaterThan(0.5);
  });

  it("runs token flow, object vs background and the ranking evaluation", async () => {
    FlowResultSchema.parse(await flow(model, image, { batchSize: 4 }));
    PatchesResultSchema.parse(await objectVsBackground(model, image, { batchSize: 4 }));
    const ranking = await evaluate(model, image, {
      baseline: { kind: "blank" },
      settings: { attribution: { samples: 48, batchSize: 16 } },
    });
    EvaluateResultSchema.parse(ranking);
  });

  it("knocks out attention per key/value group as the PyTorch reference, to float16 precision", async () => {
    // As thirdparty.test.ts: the reference's ablations done inside attention, one run of
    // prefix | image block | baseline block | text routed per layer and group by the bias.
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
    const expected = [parity.cleanLogits, ...parity.ablatedLogits];
    const errors = expected.map((row, i) =>
      maxAbsDiff(logits.subarray(i * vocab, (i + 1) * vocab), row),
    );
    const tolerance = maxOf(parity.cleanLogits.map(Math.abs)) * 2 ** -8;
    expect(maxOf(errors)).toBeLessThanOrEqual(tolerance);
    // Not vacuous: each knockout moves the reference far beyond that tolerance.
    for (const row of parity.ablatedLogits)
      expect(maxAbsDiff(row, parity.cleanLogits)).toBeGreaterThan(10 * tolerance);
  });
});
