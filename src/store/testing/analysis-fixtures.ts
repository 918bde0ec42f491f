/**
 * Results of the bundled model's size (8 layers x 8 heads, 8 x 8 patches) for the payload
 * and history tests: an attribution, a token flow and an object vs background result of
 * one image and question, with doubles that JSON must carry exactly.
 */
import {
  FLOW_SCHEMA,
  PATCHES_SCHEMA,
  type FlowResult,
  type PatchesResult,
  ANSWER_SCHEMA,
  ATTRIBUTION_SCHEMA,
  type AnswerResult,
  type AttributionResult,
} from "../../engine";
import type { AnalysisExtras } from "../analysis-extras";
import type { NamedRgbaImage } from "../analysis-payload";

export const model = { id: "emoji-vlm", name: "HeadFlow emoji VLM", layers: 8, heads: 8 };
export const image = { name: "sample-00.png", width: 64, height: 64 };
export const question = "What is the main object in the image? Answer with one word.";
const answerToken = { token: "taco", id: 131 };

/** An opaque image at model size (a payload keeps RGB only), every pixel different. */
export function modelImage(size = 64): NamedRgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++)
    data.set([i % 256, (i * 7) % 256, (i * 13) % 256, 255], i * 4);
  return { name: image.name, width: size, height: size, data };
}

export function answer(): AnswerResult {
  return {
    schema: ANSWER_SCHEMA,
    model,
    image,
    question,
    answer: "taco",
    answerTokens: ["taco"],
    top: [{ id: 131, token: "taco", probability: 0.29, logit: 3.5 }],
  };
}

export function attribution(): AttributionResult {
  return {
    schema: ATTRIBUTION_SCHEMA,
    model,
    image,
    question,
    promptTokens: ["USER", ":", ...Array.from({ length: 64 }, () => "<image>")],
    imageTokenRange: [2, 66],
    answer: answerToken,
    target: "logit",
    baseline: "mean",
    settings: { samples: 128, alpha: 0.05, seed: 0, holdout: 0.15, ridge: 1e-3, batchSize: 32 },
    layers: 8,
    heads: 8,
    scores: Array.from({ length: 8 }, (_, l) =>
      Array.from({ length: 8 }, (_, h) => Math.sin(l * 8 + h) / 3),
    ),
    intercept: 1.2345678901234567,
    fit: { heldOutR: 0.987654321, trainMasks: 109, heldOutMasks: 19 },
    clean: { target: 3.5, top: [{ id: 131, token: "taco", probability: 0.3, logit: 3.5 }] },
    timings: { prefillMs: 1, masksMs: 2, fitMs: 0.1, totalMs: 3.1, masksPerSecond: 64000 },
    runtime: "onnxruntime-web (wasm)",
    createdAt: "2026-11-23T20:00:00.000Z",
  };
}

const objectMask = { source: "mask" as const, threshold: null, patches: [19, 20] };

/** A token flow run: 14 pairs x 8 windows, 16 text tokens reading 64 patches. */
export function flow(): NonNullable<AnalysisExtras["flow"]> {
  const result: FlowResult = {
    schema: FLOW_SCHEMA,
    model,
    image,
    question,
    answer: answerToken,
    promptTokens: Array.from({ length: 82 }, (_, i) => `t${i}`),
    groups: {
      prefix: [0, 1],
      imageObject: [21, 22],
      imageBackground: [2, 3],
      question: [66, 67],
      role: [80],
      final: [81],
    },
    objectMask,
    window: 2,
    layers: 8,
    cleanProbability: 0.29,
    curves: Array.from({ length: 14 }, (_, i) => ({
      source: "question" as const,
      target: "final" as const,
      probability: Array.from({ length: 8 }, (_, l) => 0.29 - (i * l) / 1000),
      change: Array.from({ length: 8 }, (_, l) => (-i * l) / 290 + 0),
    })),
    timings: { totalMs: 400 },
    runtime: "onnxruntime-web (wasm)",
    createdAt: "2026-11-23T20:00:01.000Z",
  };
  const tokenAttention = {
    positions: Array.from({ length: 16 }, (_, i) => 66 + i),
    attention: Array.from({ length: 16 }, (_, t) =>
      Array.from({ length: 64 }, (_, p) => Math.abs(Math.sin(t * 64 + p)) / 64),
    ),
  };
  return { result, tokenAttention };
}

export function patches(): PatchesResult {
  const block = { patches: 2, probability: 0.2, drop: 0.09, dropPerPatch: 0.045 };
  return {
    schema: PATCHES_SCHEMA,
    model,
    image,
    question,
    answer: answerToken,
    grid: [8, 8],
    objectMask,
    cleanProbability: 0.29,
    object: block,
    background: { ...block, patches: 62, drop: -0.004, dropPerPatch: -0.004 / 62 },
    wholeImage: { ...block, patches: 64, drop: 0.28, dropPerPatch: 0.28 / 64 },
    contributions: Array.from({ length: 8 }, (_, r) =>
      Array.from({ length: 8 }, (_, c) => Math.cos(r * 8 + c) / 100),
    ),
    timings: { totalMs: 200 },
    runtime: "onnxruntime-web (wasm)",
    createdAt: "2026-11-23T20:00:02.000Z",
  };
}

export function extras(): AnalysisExtras {
  return { flow: flow(), patches: patches() };
}
