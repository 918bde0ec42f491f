/**
 * One default attribution's wall time (baseline cached, its one-off cost timed apart) and
 * the matmul FLOPs it does, counted from the model's shapes: achieved GFLOP/s.
 */
import { Headflow, attribute, sampleMasks } from "../../engine";
import { nodeImageDecoder } from "../../engine/node";
import { decoderFlops, type DecoderShape } from "./flops";
import type { BenchSetup } from "./setup";
import { median, round, timed } from "./stats";

/** The decoder's matmul shape of a bundle. */
export function decoderShapeOf(headflow: Headflow): DecoderShape {
  const { manifest, config } = headflow.bundle;
  return {
    layers: manifest.layers,
    hiddenSize: manifest.hiddenSize,
    intermediateSize: config.text_config.intermediate_size ?? 4 * manifest.hiddenSize,
    vocabSize: manifest.vocabSize,
  };
}

export async function measureAttribution(
  setup: BenchSetup,
  samples: number,
  entersLayers: boolean,
) {
  const { headflow, image, prompt, baseline, repeats, batchSize } = setup;
  const { layers, heads } = headflow.bundle.manifest;
  setup.log(`default attribution (${samples} samples), ${repeats} repeats`);
  // The baseline is computed once per model and prompt prefix, then cached: time it apart.
  const baselineTimes: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const fresh = new Headflow(headflow.bundle, nodeImageDecoder);
    const clean = await fresh.prefill(image, prompt);
    baselineTimes.push((await timed(() => fresh.baseline(baseline, clean, image))).ms);
  }
  const attributions = [];
  for (let r = 0; r < repeats; r++) {
    attributions.push(
      await attribute(headflow, image, { baseline, settings: { samples, batchSize } }),
    );
  }
  const wall = median(attributions.map((a) => a.timings.totalMs));
  const last = attributions[attributions.length - 1]!;
  const shape = decoderShapeOf(headflow);
  const suffixLength = prompt.ids.length - prompt.imageEnd;
  const flopsPerMask = decoderFlops(shape, prompt.imageEnd, suffixLength);
  // With layer entry each mask runs the layers from its first ablated one (none: no run).
  const attributionMasks = sampleMasks(
    samples,
    layers * heads,
    last.settings.alpha,
    last.settings.seed,
  );
  const maskFlops = Array.from({ length: samples }, (_, i) => {
    const first = attributionMasks.bits
      .subarray(i * layers * heads, (i + 1) * layers * heads)
      .indexOf(1);
    const from = first < 0 ? layers : Math.floor(first / heads);
    if (!entersLayers) return flopsPerMask;
    return from < layers ? decoderFlops(shape, prompt.imageEnd, suffixLength, from, true) : 0;
  }).reduce((sum, flops) => sum + flops, 0);
  // Prefill of the image plus the clean run, then every mask's suffix run.
  const attributionFlops = decoderFlops(shape, 0, prompt.imageEnd) + flopsPerMask + maskFlops;
  const achieved = attributionFlops / (wall / 1000) / 1e9;
  return {
    last,
    achievedGflops: achieved,
    figures: {
      samples,
      alpha: last.settings.alpha,
      batchSize,
      wallMs: round(wall, 1),
      wallMsRuns: attributions.map((a) => round(a.timings.totalMs, 1)),
      baselineOnceMs: round(median(baselineTimes), 1),
      note: "wall time with the baseline already cached (an interactive session after its first run); baselineOnceMs is the one-off cost of the baseline",
      masksPerSecond: round(samples / (wall / 1000), 1),
      heldOutR: last.fit.heldOutR,
      matmulFlopsPerMask: round(maskFlops / samples, 0),
      matmulFlopsPerMaskWholeDecoder: flopsPerMask,
      gflops: round(achieved, 2),
    },
  };
}
