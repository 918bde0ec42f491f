/**
 * Every analysis on a whole fp16 export: tiny-llava's float16 variant
 * (scripts/fixtures/make-dtype-fixtures.py: float16 inputs, cache and logits; its decoder's
 * MatMul/Softmax attention gets the interface with the bias cast like the scores). Ask,
 * attribution, token flow, object vs background and the ranking evaluation run and give
 * schema-valid results; attention knockout is checked against the float32 model's PyTorch
 * whole-sequence reference to float16 precision (2^-8 of the largest logit, as the fp16
 * ablation in dtype.test.ts).
 */
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import type { ReadFile } from "../../model/files";
import { folderReader, NODE_SESSION_OPTIONS, nodeImageDecoder } from "../../node";
import { AnswerResultSchema, AttributionResultSchema } from "../../results/attribution-results";
import {
  EvaluateResultSchema,
  FlowResultSchema,
  PatchesResultSchema,
} from "../../results/analysis-results";
import type { RgbaImage } from "../../model/image";
import { ask } from "../../analyses/ask";
import { attribute } from "../../analyses/attribute";
import { flow } from "../../analyses/flow/flow-image";
import { objectVsBackground } from "../../analyses/object-background/object-vs-background-image";
import { evaluate } from "../../analyses/rankings/evaluate-image";
import { maxOf } from "../../math/extent";
import { loadThirdParty } from "./load";
import { knockoutOverImageBlock } from "./knockout-parity";
import type { ProcessedInputs } from "./processor";
import type { ThirdPartyHeadflow } from "./third-party-headflow";

const FOLDER = "e2e/fixtures/models/tiny-llava";
const VARIANTS = "src/engine/exports/transformers-js/fixtures/tiny-llava-dtypes/onnx";

interface Parity {
  image: { width: number; height: number };
  question: string;
  inputIds: number[];
  pixelValues: { dims: number[] };
  baselinePixel: number;
  masks: number[][];
  cleanLogits: number[];
  ablatedLogits: number[][];
}
const parity = JSON.parse(
  readFileSync("src/engine/exports/transformers-js/fixtures/tiny-llava.parity.json", "utf8"),
) as Parity;

/** tiny-llava with its float16 graphs beside the float32 ones. */
function withFp16(): ReadFile {
  const read = folderReader(FOLDER);
  const files = new Map(
    ["vision_encoder_fp16", "embed_tokens_fp16", "decoder_model_merged_fp16"].map((name) => [
      `onnx/${name}.onnx`,
      new Uint8Array(readFileSync(`${VARIANTS}/${name}.onnx`)),
    ]),
  );
  return async (path) => files.get(path) ?? read(path);
}

/** A deterministic colourful test image (as thirdparty.test.ts). */
function testImage(width: number, height: number): RgbaImage & { name: string } {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data.set([(x * 37) % 256, (y * 53) % 256, ((x + y) * 19) % 256, 255], (y * width + x) * 4);
  return { name: "test.png", width, height, data };
}

/** The reference's pixel values (make-tiny-vlms.py, test_pixels). */
function referenceInputs(which: "clean" | "baseline"): ProcessedInputs {
  const dims = parity.pixelValues.dims;
  const count = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++)
    data[i] =
      which === "clean" ? Math.fround(Math.sin(i * 0.37 + 0.5) * 0.9) : parity.baselinePixel;
  return { ids: parity.inputIds, pixelValues: { data, dims } };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe("every analysis on tiny-llava's fp16 export", () => {
  let model: ThirdPartyHeadflow;
  const image = testImage(parity.image.width, parity.image.height);
  beforeAll(async () => {
    model = await loadThirdParty(withFp16(), ort, nodeImageDecoder, {
      sessionOptions: NODE_SESSION_OPTIONS,
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
      { clean: referenceInputs("clean"), baseline: referenceInputs("baseline") },
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
