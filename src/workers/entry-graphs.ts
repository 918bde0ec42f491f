/**
 * Opens every layer-entry graph of a model before its first attribution. The engine builds
 * one onnxruntime session per entered layer (layer-entry.ts), on first use, and keeps it
 * for the model's lifetime; left to the first attribution, those session builds land in
 * its wall time. One ablated mask per layer, each entering at its own layer, builds them
 * all through the engine's own runner (nothing here knows how the graphs are made).
 */
import { BLANK_GRAY, solidImage, type BaselineSpec, type Headflow } from "../engine";

export interface EntryGraphsReport {
  /** Layers whose entry graph is open (0: the model has no layer entry). */
  layers: number;
  milliseconds: number;
}

/** Masks (rows back to back) that each ablate one head of layer 0, 1, ..., layers - 1. */
export function oneMaskPerLayer(layers: number, heads: number): Uint8Array {
  const masks = new Uint8Array(layers * layers * heads);
  for (let layer = 0; layer < layers; layer++) masks[layer * layers * heads + layer * heads] = 1;
  return masks;
}

export async function openEntryGraphs(headflow: Headflow): Promise<EntryGraphsReport> {
  const started = performance.now();
  const { manifest } = headflow.bundle;
  // The warm-up's baseline: cached per prompt prefix, so this computes nothing new.
  const spec: BaselineSpec = manifest.reference.length > 0 ? { kind: "mean" } : { kind: "blank" };
  const runner = await headflow.runner(
    solidImage(manifest.image.size, BLANK_GRAY),
    headflow.prompt(),
    spec,
  );
  if (!(await runner.entersLayers())) return { layers: 0, milliseconds: 0 };
  // Batch 1: each mask is its own run, entering at its own layer.
  const perLayer = runner.maskSize / manifest.layers;
  await runner.run(oneMaskPerLayer(manifest.layers, perLayer), manifest.layers, {
    batchSize: 1,
  });
  return { layers: manifest.layers, milliseconds: performance.now() - started };
}
