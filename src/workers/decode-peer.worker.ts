/**
 * A decode peer: a second copy of the bundled model on its own wasm instance, which runs
 * part of each batch of ablation runs while the inference worker runs the rest
 * (src/engine/model/split-session.ts). It loads the model, warms it up and opens its
 * layer-entry graphs, then serves `decode` alone: nothing else reaches it.
 */
import "../zod-jitless";
import * as Comlink from "comlink";
import { ort } from "./ort-web";
import { decodeWithCanvas } from "./canvas-image-decoder";
import { oneMaskPerLayer } from "./entry-graphs";
import {
  BLANK_GRAY,
  Headflow,
  fetchReader,
  solidImage,
  loadBundle,
  type DecodeRequest,
  type DecodeResult,
} from "../engine";

let headflow: Headflow | null = null;

/**
 * The first runs of a wasm instance are slow (its code is compiled lazily), and each
 * layer-entry graph opens on first use: a peer that took its share cold would hold up
 * every batch it shares. A blank image against the blank baseline is enough to run every
 * path: unlike the inference worker's warm-up, the peer never needs the mean baseline.
 */
async function warmUp(loaded: Headflow): Promise<void> {
  const { manifest } = loaded.bundle;
  const blank = solidImage(manifest.image.size, BLANK_GRAY);
  const runner = await loaded.runner(blank, loaded.prompt(), { kind: "blank" });
  const perLayer = runner.maskSize / manifest.layers;
  // One mask per layer, one run each: opens every entry graph (entry-graphs.ts).
  await runner.run(oneMaskPerLayer(manifest.layers, perLayer), manifest.layers, {
    batchSize: 1,
  });
  // Then a batch the size of a shared half, as in an attribution.
  const rows = 16;
  const masks = new Uint8Array(rows * runner.maskSize);
  for (let row = 0; row < rows; row++) masks[row * runner.maskSize + (row % runner.maskSize)] = 1;
  await runner.run(masks, rows, { batchSize: rows });
}

const api = {
  /** Loads the model at `modelBaseUrl` on wasm; resolves once it is warm. */
  async start(modelBaseUrl: string, wasmThreads?: number): Promise<{ milliseconds: number }> {
    const started = performance.now();
    if (wasmThreads !== undefined) ort.env.wasm.numThreads = wasmThreads;
    const bundle = await loadBundle(fetchReader(modelBaseUrl), ort, {
      sessionOptions: { executionProviders: ["wasm"] },
      layerEntry: true,
    });
    const loaded = new Headflow(bundle, decodeWithCanvas, "onnxruntime-web (wasm)");
    await warmUp(loaded);
    headflow = loaded;
    return { milliseconds: performance.now() - started };
  },

  async decode(request: DecodeRequest): Promise<DecodeResult> {
    if (headflow === null) throw new Error("the decode peer has not started");
    const { logits } = await headflow.bundle.session.decode(request);
    return Comlink.transfer({ logits }, [logits.buffer]);
  },
};

export type DecodePeerApi = typeof api;

Comlink.expose(api);
