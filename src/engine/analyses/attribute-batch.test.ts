/**
 * The attribution's batch size on the bundled model: chosen from its memory (the default
 * of 32, so results are those of before the choice existed), set explicitly, and halved
 * when a run runs out of memory, with every mask still fitted.
 */
import { statSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "../model/bundle";
import { Headflow, type NamedImage } from "../headflow";
import { solidImage } from "../model/image";
import type { DecodeRequest, VlmSession } from "../model/session";
import { loadBundleNode, loadThirdPartyNode, nodeImageDecoder } from "../node";
import { AttributionResultSchema } from "../results/attribution-results";
import { attribute } from "./attribute";

let bundle: Bundle;
const image: NamedImage = { ...solidImage(64, [200, 60, 40]), name: "red.png" };
const options = { baseline: { kind: "blank" } as const };

beforeAll(async () => {
  bundle = await loadBundleNode("public/models/emoji-vlm");
});

/** The bundled session, failing like onnxruntime's arena on the runs `fails` picks. */
function tightSession(
  inner: VlmSession,
  fails: (request: DecodeRequest) => boolean,
  seen: number[] = [],
): VlmSession {
  return {
    dims: inner.dims,
    encodeImage: (pixels, batch) => inner.encodeImage(pixels, batch),
    embed: (ids) => inner.embed(ids),
    decode: async (request: DecodeRequest) => {
      seen.push(request.batch);
      if (fails(request)) {
        throw new Error(
          `failed to call OrtRun(). ERROR_CODE: 6, ERROR_MESSAGE: Failed to allocate memory for requested buffer of size ${request.batch * 655_360}`,
        );
      }
      return inner.decode(request);
    },
    decodeAnalysis: (request) => inner.decodeAnalysis(request),
    layerEntry: () => inner.layerEntry!(),
    memory: () => inner.memory!(),
    release: () => inner.release(),
  };
}

describe("attribution batch size", () => {
  it("chooses the default of 32 for the bundled model, with identical results", async () => {
    const headflow = new Headflow(bundle, nodeImageDecoder, "onnxruntime-web (wasm)");
    const chosen = await attribute(headflow, image, { ...options, settings: { samples: 96 } });
    const set = await attribute(headflow, image, {
      ...options,
      settings: { samples: 96, batchSize: 32 },
    });
    expect(chosen.settings.batchSize).toBe(32);
    expect(chosen.batch?.size).toBe(32);
    expect(chosen.batch?.reason).toMatch(/^32 \(cache \d+\.\d MB\/row; default cap\)$/);
    expect(set.batch).toEqual({ size: 32, reason: "32 (set)" });
    expect(chosen.scores).toEqual(set.scores);
    expect(chosen.standardErrors).toEqual(set.standardErrors);
    expect(chosen.fit).toEqual(set.fit);
    expect(AttributionResultSchema.parse(JSON.parse(JSON.stringify(chosen))).batch).toEqual(
      chosen.batch,
    );
    // Parsed back, the result keeps its keys' order: a permalink rebuilds byte for byte.
    const json = JSON.stringify(chosen);
    expect(JSON.stringify(AttributionResultSchema.parse(JSON.parse(json)))).toBe(json);
  });

  it("states the cache per row from the prefilled cache and the session's weights", async () => {
    const headflow = new Headflow(bundle, nodeImageDecoder, "test");
    const runner = await headflow.runner(image, headflow.prompt(), { kind: "blank" });
    const { cache, suffixLength } = runner.prefilled;
    const { layers, heads, headDim } = bundle.session.dims;
    const choice = headflow.batchFor(runner.prefilled);
    // The cache as the runner builds it: one float32 key and value per layer, head,
    // cached position and head dimension.
    const cacheRow = cache.keys.reduce((sum, k) => sum + k.length * 4, 0) * 2;
    expect(choice.row.cache).toBe(cacheRow);
    expect(choice.row.cache).toBe(layers * 2 * heads * cache.length * headDim * 4);
    expect(choice.row.present).toBe(
      layers * 2 * heads * (cache.length + suffixLength) * headDim * 4,
    );
    expect(bundle.session.memory!().weightBytes).toBeGreaterThan(0);
  });

  it("counts a third-party export's weights from the graph files it opened", async () => {
    const folder = "e2e/fixtures/models/tiny-smolvlm";
    const model = await loadThirdPartyNode(folder);
    const { graphs } = model.thirdParty.manifest;
    const files = [graphs.vision, graphs.embed, graphs.decoder];
    const onDisk = files.reduce((sum, path) => sum + statSync(`${folder}/${path}`).size, 0);
    expect(model.bundle.session.memory!()).toEqual({
      weightBytes: onDisk,
      queryHeads: model.thirdParty.manifest.queryHeads,
    });
    const runner = await model.runner(image, model.prompt(), { kind: "blank" });
    expect(model.batchFor(runner.prefilled).reason).toMatch(
      /^32 \(cache 0\.0 MB\/row; default cap\)$/,
    );
    await model.bundle.session.release();
  });

  it("halves a batch that runs out of memory and loses no mask", async () => {
    const seen: number[] = [];
    const tight = new Headflow(
      { ...bundle, session: tightSession(bundle.session, (r) => r.batch > 8, seen) },
      nodeImageDecoder,
      "test",
    );
    const halvings: number[] = [];
    const halved = await attribute(tight, image, {
      ...options,
      settings: { samples: 96 },
      onHalve: (h) => halvings.push(h.to),
    });
    expect(halvings).toEqual([16, 8]);
    expect(halved.settings.batchSize).toBe(32);
    expect(halved.batch?.size).toBe(8);
    expect(halved.batch?.reason).toMatch(
      /^32 \(.*default cap\); out of memory at 32 \(.*Failed to allocate memory.*\), halved to 16; out of memory at 16 \(.*\), halved to 8$/,
    );
    expect(halved.fit.trainMasks + halved.fit.heldOutMasks).toBe(96);
    expect(seen.slice(seen.lastIndexOf(16) + 1).every((rows) => rows <= 8)).toBe(true);
    // The same masks at a batch of 8 from the start: the same numbers.
    const eight = await attribute(new Headflow(bundle, nodeImageDecoder, "test"), image, {
      ...options,
      settings: { samples: 96, batchSize: 8 },
    });
    expect(halved.scores).toEqual(eight.scores);
    expect(halved.fit).toEqual(eight.fit);
  });

  it("ends in a clear error when not even one mask fits", async () => {
    // Every masked run fails (they enter the decoder at a layer); the clean run does not.
    const none = new Headflow(
      { ...bundle, session: tightSession(bundle.session, (r) => r.fromLayer !== undefined) },
      nodeImageDecoder,
      "test",
    );
    const run = attribute(none, image, { ...options, settings: { samples: 96 } });
    await expect(run).rejects.toMatchObject({ name: "HeadflowError", code: "out-of-memory" });
    await expect(run).rejects.toThrow(
      /^out of memory even at one mask per run \(halved from 32\): .*Failed to allocate memory for requested buffer of size 655360\)$/,
    );
  });
});
