import { describe, expect, it } from "vitest";
import { DEFAULT_STOP_RULE } from "../attribution/stop-rule";
import {
  ATTRIBUTION_SCHEMA,
  parseAttributionResult,
  type AttributionResult,
} from "./attribution-results";

/** An attribution of the bundled model's size, as written before the stopping rule existed. */
function oldResult(): AttributionResult {
  return {
    schema: ATTRIBUTION_SCHEMA,
    model: { id: "emoji-vlm", name: "HeadFlow emoji VLM", layers: 8, heads: 8 },
    image: { name: "sample-00.png", width: 64, height: 64 },
    question: "What is the main object in the image? Answer with one word.",
    promptTokens: ["USER", ":", ...Array.from({ length: 64 }, () => "<image>")],
    imageTokenRange: [2, 66],
    answer: { token: "taco", id: 131 },
    target: "logit",
    baseline: "mean",
    settings: { samples: 1000, alpha: 0.05, seed: 0, holdout: 0.15, ridge: 1e-3, batchSize: 32 },
    layers: 8,
    heads: 8,
    scores: Array.from({ length: 8 }, (_, l) => Array.from({ length: 8 }, (_, h) => l - h)),
    intercept: 1.5,
    fit: { heldOutR: 0.9, trainMasks: 850, heldOutMasks: 150 },
    clean: { target: 3.5, top: [{ id: 131, token: "taco", probability: 0.3, logit: 3.5 }] },
    timings: { prefillMs: 1, masksMs: 2, fitMs: 0.1, totalMs: 3.1, masksPerSecond: 500 },
    runtime: "onnxruntime-node (cpu)",
    createdAt: "2026-11-23T20:00:00.000Z",
  };
}

/** The same run stopped by the rule at 400 masks. */
function stoppedResult(): AttributionResult {
  return {
    ...oldResult(),
    settings: { ...oldResult().settings, stop: "auto" },
    fit: { heldOutR: 0.9, trainMasks: 340, heldOutMasks: 60 },
    stopping: {
      rule: { ...DEFAULT_STOP_RULE },
      masksUsed: 400,
      reason: "converged",
      checks: [
        { masks: 76, heldOutR: null, topKOverlap: null },
        { masks: 320, heldOutR: 0.895, topKOverlap: 1 },
        { masks: 400, heldOutR: 0.9, topKOverlap: 1 },
      ],
    },
  };
}

describe("attribution results and the stopping rule", () => {
  it("opens results written before the rule existed, and stopped ones", () => {
    expect(parseAttributionResult(oldResult()).stopping).toBeUndefined();
    expect(parseAttributionResult(oldResult()).settings.stop).toBeUndefined();
    const stopped = parseAttributionResult(JSON.parse(JSON.stringify(stoppedResult())));
    expect(stopped.stopping?.masksUsed).toBe(400);
    expect(stopped.settings.stop).toBe("auto");
  });

  it("refuses a stopping record that does not add up", () => {
    const more = stoppedResult();
    more.stopping!.masksUsed = 2000;
    more.fit = { heldOutR: 0.9, trainMasks: 850, heldOutMasks: 150 };
    expect(() => parseAttributionResult(more)).toThrow(/masksUsed: 2000 masks used is more than/);
    const fit = stoppedResult();
    fit.fit.trainMasks = 300;
    expect(() => parseAttributionResult(fit)).toThrow(/the fit used 360 masks, not the 400 stated/);
    const late = stoppedResult();
    late.stopping!.checks.push({ masks: 500, heldOutR: 0.9, topKOverlap: 1 });
    expect(() => parseAttributionResult(late)).toThrow(/a check lies past the 400 masks used/);
  });

  it("bounds what a file may state about the rule", () => {
    const many = stoppedResult();
    many.stopping!.checks = Array.from({ length: 10_001 }, () => ({
      masks: 1,
      heldOutR: null,
      topKOverlap: null,
    }));
    expect(() => parseAttributionResult(many)).toThrow(/stopping\.checks/);
    const spacing = stoppedResult();
    spacing.stopping!.rule.spacing = 1;
    expect(() => parseAttributionResult(spacing)).toThrow(/stopping\.rule\.spacing/);
    const mode = { ...oldResult(), settings: { ...oldResult().settings, stop: "soon" } };
    expect(() => parseAttributionResult(mode)).toThrow(/settings\.stop/);
  });
});
