/** The trust views' CSV: one row per head, quoted text, rows that read back as the numbers. */
import { describe, expect, it } from "vitest";
import { compareBaselines, compareResults, type AttributionResult } from "../../engine";
import { baselinesCsv, compareCsv, csvField } from "./trust-csv";

function attribution(scores: number[], baseline: string): AttributionResult {
  return {
    schema: "headflow.attribution/1",
    model: { id: "toy", name: "Toy", layers: 2, heads: 2 },
    image: { name: "a.png", width: 64, height: 64 },
    question: "What?",
    promptTokens: ["<image>", ":"],
    imageTokenRange: [0, 1],
    answer: { token: "cat", id: 1 },
    target: "logit",
    baseline,
    settings: { samples: 10, alpha: 0.5, seed: 0, holdout: 0.2, ridge: 0.001, batchSize: 10 },
    layers: 2,
    heads: 2,
    scores: [scores.slice(0, 2), scores.slice(2)],
    intercept: 0,
    fit: { heldOutR: null, trainMasks: 8, heldOutMasks: 2 },
    clean: { target: 1, top: [] },
    timings: { prefillMs: 0, masksMs: 0, fitMs: 0, totalMs: 0, masksPerSecond: 0 },
    runtime: "test",
    createdAt: "2026-01-01T00:00:00.000Z",
  };
}

describe("trust CSV", () => {
  it("quotes text and doubles inner quotes; numbers stay plain", () => {
    expect(csvField('image:a,"b".png')).toBe('"image:a,""b"".png"');
    expect(csvField(-0.25)).toBe("-0.25");
    expect(csvField(null)).toBe("");
  });

  it("baselines: a row per head in layer-major order with each baseline's score and rank", () => {
    const result = compareBaselines(
      [
        attribution([0.4, 0.1, 0.3, 0.2], "mean"),
        attribution([0.1, 0.4, 0.3, 0.2], "image:x,y.png"),
      ],
      2,
    );
    const lines = baselinesCsv(result).trimEnd().split("\n");
    expect(lines[0]).toBe(
      '"layer","head","rank_spread","score mean","rank mean","score image:x,y.png","rank image:x,y.png"',
    );
    expect(lines.slice(1)).toEqual([
      "0,0,3,0.4,1,0.1,4",
      "0,1,3,0.1,4,0.4,1",
      "1,0,0,0.3,2,0.3,2",
      "1,1,0,0.2,3,0.2,3",
    ]);
  });

  it("compare: both sides' scores with relative depth and the difference b - a", () => {
    const result = compareResults(
      { kind: "attribution", result: attribution([0.4, 0.1, 0.3, 0.2], "mean") },
      { kind: "attribution", result: attribution([0.5, 0.1, 0.3, 0.0], "mean") },
      1,
    );
    const lines = compareCsv(result).trimEnd().split("\n");
    expect(lines).toHaveLength(9);
    expect(lines[4]).toBe('"a",1,1,0.5,0.2,-0.2');
    expect(lines[5]).toBe('"b",0,0,0,0.5,0.09999999999999998');
  });
});
