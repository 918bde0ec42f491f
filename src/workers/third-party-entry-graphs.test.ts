/**
 * The worker's warm-up of layer entry (entry-graphs.ts) on a third-party export, as
 * `loadThirdParty` runs it after the model is ready: it opens the entry graphs the
 * model's memory budget allows (entry-decoders.ts), and attributions after it are the
 * ones a fresh model gives.
 */
import { describe, expect, it } from "vitest";
import { attribute } from "../engine";
import { loadThirdPartyNode } from "../engine/node";
import { openEntryGraphs } from "./entry-graphs";

const FOLDER = "e2e/fixtures/models/tiny-llava";

describe("openEntryGraphs (a third-party export, onnxruntime-node)", () => {
  it("opens the budgeted entry graphs; attributions after it are the ones without it", async () => {
    const opened = await loadThirdPartyNode(FOLDER);
    const report = await openEntryGraphs(opened);
    expect(report.layers).toBe(opened.bundle.manifest.layers);
    expect(opened.thirdParty.session.entryLayers.length).toBeGreaterThan(0);
    const fresh = await loadThirdPartyNode(FOLDER);
    const size = opened.bundle.manifest.image.size;
    const data = new Uint8Array(size * size * 4).fill(90);
    const image = { name: "gray", width: size, height: size, data };
    const settings = { samples: 96, seed: 3, alpha: 0.2 };
    const [a, b] = [
      await attribute(opened, image, { baseline: { kind: "blank" }, settings }),
      await attribute(fresh, image, { baseline: { kind: "blank" }, settings }),
    ];
    expect(a.scores).toEqual(b.scores);
  });

  it("does nothing on a model loaded without layer entry", async () => {
    const model = await loadThirdPartyNode(FOLDER, { layerEntry: false });
    expect(await openEntryGraphs(model)).toEqual({ layers: 0, milliseconds: 0 });
  });
});
