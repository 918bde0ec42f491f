import { describe, expect, it } from "vitest";
import { decodePermalink, encodePermalink, PermalinkError } from "../engine/permalink/codec";
import { ATTRIBUTION_SCHEMA, type AttributionResult } from "../engine/result";
import {
  AnalysisPayloadSchema,
  buildPayload,
  packImage,
  unpackImage,
  type NamedRgbaImage,
} from "./analysis-payload";

function modelImage(size: number): NamedRgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++)
    data.set([i % 256, (i * 7) % 256, (i * 13) % 256, 255], i * 4);
  return { name: "cat <b>.png", width: size, height: size, data };
}

function attribution(layers: number, heads: number): AttributionResult {
  return {
    schema: ATTRIBUTION_SCHEMA,
    model: { id: "emoji-vlm", name: "HeadFlow emoji VLM", layers, heads },
    image: { name: "cat.png", width: 64, height: 64 },
    question: "What is the main object in the image? Answer with one word.",
    promptTokens: ["USER", ":"],
    imageTokenRange: [2, 66],
    answer: { token: "cat", id: 9 },
    target: "logit",
    baseline: "mean",
    settings: { samples: 128, alpha: 0.1, seed: 0, holdout: 0.15, ridge: 1e-3, batchSize: 32 },
    layers,
    heads,
    // Doubles that JSON must carry exactly.
    scores: Array.from({ length: layers }, (_, l) =>
      Array.from({ length: heads }, (_, h) => Math.sin(l * heads + h) / 3),
    ),
    intercept: 1.2345678901234567,
    fit: { heldOutR: 0.987654321, trainMasks: 109, heldOutMasks: 19 },
    clean: { target: 3.5, top: [{ id: 9, token: "cat", probability: 0.4, logit: 3.5 }] },
    timings: { prefillMs: 1, masksMs: 2, fitMs: 0.1, totalMs: 3.1, masksPerSecond: 64000 },
    runtime: "onnxruntime-web (wasm)",
    createdAt: "2026-11-23T20:00:00.000Z",
  };
}

describe("the analysis payload", () => {
  it("carries the image pixels exactly", () => {
    const image = modelImage(64);
    expect(unpackImage(packImage(image))).toEqual({ ...image });
  });

  it("survives a permalink round trip with identical scores", () => {
    const payload = buildPayload(modelImage(64), null, attribution(8, 8));
    const link = encodePermalink(payload);
    const opened = decodePermalink(link, AnalysisPayloadSchema);
    expect(opened).toEqual(payload);
    expect(opened.attribution.scores).toEqual(payload.attribution.scores);
  });

  it("stays small enough for a URL", () => {
    const link = encodePermalink(buildPayload(modelImage(64), null, attribution(8, 8)));
    expect(link.length).toBeLessThan(40_000);
  });

  it("refuses a truncated link with the codec's clear error", () => {
    const link = encodePermalink(buildPayload(modelImage(64), null, attribution(8, 8)));
    const cut = link.slice(0, link.length - 20);
    expect(() => decodePermalink(cut, AnalysisPayloadSchema)).toThrow(PermalinkError);
    expect(() => decodePermalink(cut, AnalysisPayloadSchema)).toThrow(/damaged/);
  });

  it("refuses image data that does not match its size", () => {
    const payload = buildPayload(modelImage(8), null, attribution(2, 2));
    const bad = { ...payload, image: { ...payload.image, size: 9 } };
    expect(() => decodePermalink(encodePermalink(bad), AnalysisPayloadSchema)).toThrow(/damaged/);
  });
});
