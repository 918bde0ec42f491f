/**
 * The scoring worker's fit must give exactly the numbers of the engine's own fit: the
 * inference side forwards batches (scoring-fitter.ts) straight to the scoring worker
 * (fit-link.ts), which fits them (scoring-api.ts) and reports progress to its watcher (the
 * main thread). Here the worker hop is a structured clone and a macrotask, as comlink
 * makes it.
 */
import type { Remote } from "comlink";
import { beforeAll, describe, expect, it } from "vitest";
import {
  attributeHeads,
  DEFAULT_ATTRIBUTION,
  type EvaluateMasks,
  Headflow,
  type NamedImage,
  solidImage,
  mulberry32,
  type SetImageResult,
  buildSetsResult,
  type SetsContext,
  attribute,
} from "../engine";
import { loadBundleNode, nodeImageDecoder } from "../engine/node";
import { createScoringApi, type ScoringApi } from "./scoring-api";
import { createFitLink } from "./fit-link";
import { forwardingFitter } from "./scoring-fitter";
import type { FitProgress } from "./scoring-types";

/** The api behind a pretend worker boundary: arguments and results are cloned, calls async. */
function overBoundary(api: ScoringApi): Remote<ScoringApi> {
  const hop = <T>(value: T) =>
    new Promise<T>((resolve) => setTimeout(() => resolve(structuredClone(value)), 0));
  return new Proxy(api, {
    get(target, key) {
      const method = target[key as keyof ScoringApi] as (...args: unknown[]) => unknown;
      return async (...args: unknown[]) => {
        const cloned = await hop(args);
        return hop(method(...cloned));
      };
    },
  }) as unknown as Remote<ScoringApi>;
}

/** A non-additive synthetic model (pairs of heads interact), noise seeded by mask content. */
function interactingModel(size: number): EvaluateMasks {
  return async (masks, count) => {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      let y = 3;
      let key = 7;
      for (let k = 0; k < size; k++) {
        const m = masks[i * size + k]!;
        y -= (k % 3) * 0.4 * m + (m && masks[i * size + ((k + 1) % size)]! ? 0.7 : 0);
        key = (key * 31 + m + k) >>> 0;
      }
      out[i] = y + 0.3 * (mulberry32(key)() - 0.5);
    }
    return out;
  };
}

function remoteFitter(progress: FitProgress[] = []) {
  const api = createScoringApi();
  api.watchFit(7, (p) => progress.push(p));
  const link = createFitLink(overBoundary(api), 7);
  return { link, fitter: forwardingFitter(link) };
}

describe("scoring worker fit", () => {
  it("gives bit-identical scores, intercept and held-out r to the engine's own fit", async () => {
    const size = 40;
    const settings = { ...DEFAULT_ATTRIBUTION, samples: 300, alpha: 0.2, seed: 9, batchSize: 32 };
    const local = await attributeHeads(interactingModel(size), size, settings);
    const progress: FitProgress[] = [];
    const { fitter } = remoteFitter(progress);
    const remote = await attributeHeads(interactingModel(size), size, settings, { fitter });
    expect(Array.from(remote.scores)).toEqual(Array.from(local.scores));
    expect(remote.intercept).toBe(local.intercept);
    expect(remote.heldOutR).toBe(local.heldOutR);
    expect([remote.trainCount, remote.heldOutCount]).toEqual([
      local.trainCount,
      local.heldOutCount,
    ]);
    expect(Array.from(remote.targets)).toEqual(Array.from(local.targets));
    // Every batch reported, in order; partial fits once the training masks outnumber heads.
    expect(progress.map((p) => p.done)).toEqual([32, 64, 96, 128, 160, 192, 224, 256, 288, 300]);
    expect(progress.at(-1)?.partial?.scores).toEqual(local.scores);
    expect(progress[0]!.partial).toBeUndefined();
  });

  it("reports progress to the fit's watcher only until it is unwatched", () => {
    const api = createScoringApi();
    const seen: number[] = [];
    api.watchFit(3, (p) => seen.push(p.done));
    api.startFit(3, 4, { ...DEFAULT_ATTRIBUTION, samples: 10 });
    api.addBatch(3, new Uint8Array(8), new Float64Array(2));
    api.unwatchFit(3);
    api.addBatch(3, new Uint8Array(4), new Float64Array(1));
    expect(seen).toEqual([2]);
  });

  it("closes a fit that is dropped, and says so when it is used afterwards", () => {
    const api = createScoringApi();
    api.startFit(1, 4, { ...DEFAULT_ATTRIBUTION, samples: 10 });
    api.dropFit(1);
    expect(() => api.addBatch(1, new Uint8Array(4), new Float64Array(1))).toThrow(
      /no attribution fit 1 is open/,
    );
  });

  it("builds the sets result with the CLI's function", () => {
    const images: SetImageResult[] = [
      ["cat", "a", [1, 2, 3, 4]],
      ["cat", "b", [1, 2, 3, 5]],
      ["dog", "a", [4, 3, 1, 1]],
      ["dog", "b", [4, 2, 1, 1]],
    ].map(([category, style, scores], index) => ({
      index,
      file: `${category as string}/${style as string}.png`,
      set: category as string,
      category: category as string,
      style: style as string,
      answer: category as string,
      heldOutR: 0.5,
      scores: scores as number[],
    }));
    const context: SetsContext = {
      model: { id: "toy", name: "toy", layers: 2, heads: 2 },
      question: "q",
      baseline: "mean",
      target: "logit",
      settings: DEFAULT_ATTRIBUTION,
      permutations: 200,
      permutationSeed: 0,
      layers: 2,
      heads: 2,
      fingerprint: "00000000",
      total: 4,
      runtime: "test",
    };
    const { createdAt: _a, ...mine } = createScoringApi().setsResult(context, images, 1);
    const { createdAt: _b, ...engine } = buildSetsResult(context, images, 1);
    expect(mine).toEqual(engine);
    expect(mine.test?.sameCategoryDifferentStyle.pairs).toBe(2);
  });
});

describe("scoring worker fit on the bundled model", () => {
  let headflow: Headflow;
  const image: NamedImage = { ...solidImage(64, [200, 80, 40]), name: "orange.png" };
  beforeAll(async () => {
    headflow = new Headflow(
      await loadBundleNode("public/models/emoji-vlm"),
      nodeImageDecoder,
      "test",
    );
  });

  it("Headflow.attribute gives the same scores with the fit in the scoring worker", async () => {
    const options = {
      baseline: { kind: "blank" } as const,
      settings: { samples: 96, batchSize: 16, seed: 2 },
    };
    const direct = await attribute(headflow, image, options);
    const { fitter } = remoteFitter();
    const viaWorker = await attribute(headflow, image, { ...options, fitter });
    expect(viaWorker.scores).toEqual(direct.scores);
    expect(viaWorker.intercept).toBe(direct.intercept);
    expect(viaWorker.fit).toEqual(direct.fit);
  });
});
