/**
 * "Recompute and compare" of an opened attribution: refused, with the reason, when the
 * loaded model's layers x heads differ from the attribution's (a head-by-head comparison
 * would be meaningless), before any model work starts.
 */
import { describe, expect, it, vi } from "vitest";

// The stores read the page's origin when they load (the bundled model's URL); this runs in
// Node, before the imports below.
vi.hoisted(() => {
  Object.assign(globalThis, { window: { location: { origin: "http://127.0.0.1:4173" } } });
});

import type { ModelInfo } from "../workers/inference-types";
import { recomputeRefusal, useAnalysisStore } from "./analysis-store";
import { buildPayload } from "./analysis-payload";
import { useBackendStore } from "./backend-store";
import { openAnalysis } from "./shown-analysis";
import * as fixtures from "./testing/analysis-fixtures";

function modelInfo(id: string, layers: number, heads: number): ModelInfo {
  return {
    id,
    name: id,
    layers,
    heads,
    imageSize: 64,
    grid: [8, 8],
    questions: [fixtures.question],
    referenceImages: 0,
    randomInit: false,
    attentionMaps: true,
    loadMs: 1,
  };
}

function loadModel(model: ModelInfo): void {
  useBackendStore.setState({
    state: {
      status: "ready",
      report: {
        backend: "wasm",
        reason: "test",
        selfTest: { graph: "test.onnx", outputShape: [1], milliseconds: 1 },
        model,
      },
    },
  });
}

describe("recomputeRefusal", () => {
  const result = fixtures.attribution(); // 8 layers x 8 heads of emoji-vlm

  it("lets a model of the same layers x heads recompute", () => {
    expect(recomputeRefusal(result, modelInfo("emoji-vlm", 8, 8))).toBeNull();
  });

  it("names both shapes and the model to load when they differ", () => {
    const refusal = recomputeRefusal(result, modelInfo("qwen2-vl-2b", 28, 12));
    expect(refusal).toBe(
      "Cannot recompute: this attribution was computed on emoji-vlm with 8 layers x 8 heads, " +
        "but the loaded model (qwen2-vl-2b) has 28 layers x 12 heads, so their scores cannot " +
        "be compared head by head. Load emoji-vlm to recompute it.",
    );
    // Same number of heads in all, another shape: still refused.
    expect(recomputeRefusal(result, modelInfo("other", 16, 4))).toMatch(/16 layers x 4 heads/);
  });
});

describe("recompute", () => {
  it("refuses an opened attribution of another shape without starting a run", async () => {
    loadModel(modelInfo("qwen2-vl-2b", 28, 12));
    openAnalysis(buildPayload(fixtures.modelImage(), null, fixtures.attribution()));
    // Without the refusal the run would start, and fail in Node for another reason (no worker).
    await useAnalysisStore.getState().recompute();
    const comparison = useAnalysisStore.getState().comparison;
    expect(comparison).toEqual({
      status: "failed",
      message: recomputeRefusal(fixtures.attribution(), modelInfo("qwen2-vl-2b", 28, 12)),
    });
  });
});
