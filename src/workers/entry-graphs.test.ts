import { describe, expect, it } from "vitest";
import { attribute, Headflow, solidImage } from "../engine";
import { loadBundleNode, nodeImageDecoder } from "../engine/node";
import { oneMaskPerLayer, openEntryGraphs } from "./entry-graphs";

describe("oneMaskPerLayer", () => {
  it("gives row l exactly one ablated head, the first of layer l", () => {
    const layers = 3;
    const heads = 4;
    const masks = oneMaskPerLayer(layers, heads);
    expect(masks.length).toBe(layers * layers * heads);
    for (let row = 0; row < layers; row++) {
      const bits = masks.subarray(row * layers * heads, (row + 1) * layers * heads);
      expect(bits.reduce((a, b) => a + b, 0)).toBe(1);
      expect(Math.floor(bits.indexOf(1) / heads)).toBe(row);
    }
  });
});

describe("openEntryGraphs (the bundled model, onnxruntime-node)", () => {
  const open = async (layerEntry: boolean) =>
    new Headflow(
      await loadBundleNode("public/models/emoji-vlm", undefined, { layerEntry }),
      nodeImageDecoder,
    );
  const image = { ...solidImage(64, [200, 40, 40]), name: "red" };
  const settings = { samples: 96, seed: 3 };

  it("opens every layer's graph, and attributions after it are the ones without it", async () => {
    const opened = await open(true);
    const report = await openEntryGraphs(opened);
    expect(report.layers).toBe(opened.bundle.manifest.layers);
    const fresh = await open(true);
    const [a, b] = [
      await attribute(opened, image, { baseline: { kind: "blank" }, settings }),
      await attribute(fresh, image, { baseline: { kind: "blank" }, settings }),
    ];
    expect(a.scores).toEqual(b.scores);
    expect(a.fit.heldOutR).toBe(b.fit.heldOutR);
  });

  it("does nothing on a model loaded without layer entry", async () => {
    expect(await openEntryGraphs(await open(false))).toEqual({ layers: 0, milliseconds: 0 });
  });
});
