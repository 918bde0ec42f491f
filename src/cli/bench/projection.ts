/**
 * The projected time of a large `headflow sets` job on a bigger model, from figures
 * measured here: the effective FLOP rate of a real `sets` run on the bundled model, and
 * the matmul FLOPs of an image on the target model counted from its shapes. Every
 * assumption is written into the result beside the arithmetic.
 */
import { decoderFlops, type DecoderShape } from "./flops";

export interface TargetModel {
  name: string;
  shape: DecoderShape;
  headsPerLayer: number;
  /** Tokens before the image, image tokens, tokens after it (question and template). */
  prefixTokens: number;
  imageTokens: number;
  suffixTokens: number;
  /** Vision encoder FLOPs per image (2 x parameters x patches). */
  visionFlops: number;
}

/**
 * Qwen2-0.5B's decoder with a SigLIP-so400m/14 encoder at 384 px (the LLaVA-OneVision
 * 0.5B layout), one 729-token view per image (no any-resolution tiles).
 */
export const HALF_B_MODEL: TargetModel = {
  name: "0.5B (Qwen2-0.5B decoder + SigLIP-so400m/14 at 384 px, the LLaVA-OneVision-0.5B layout)",
  shape: { layers: 24, hiddenSize: 896, intermediateSize: 4864, vocabSize: 151_936 },
  headsPerLayer: 14,
  prefixTokens: 24,
  imageTokens: 729,
  suffixTokens: 16,
  visionFlops: 2 * 0.4e9 * 729,
};

/**
 * Expected matmul FLOPs of one mask's run with layer entry: a mask whose first ablated
 * head is in layer l runs layers l.. (probability (1-a)^(H l) (1 - (1-a)^H)); a mask
 * with no ablated head runs nothing.
 */
export function expectedMaskFlops(
  shape: DecoderShape,
  headsPerLayer: number,
  alpha: number,
  past: number,
  suffix: number,
): number {
  const intactLayer = (1 - alpha) ** headsPerLayer;
  let total = 0;
  for (let layer = 0; layer < shape.layers; layer++) {
    const firstAblatedHere = intactLayer ** layer * (1 - intactLayer);
    total += firstAblatedHere * decoderFlops(shape, past, suffix, layer, true);
  }
  return total;
}

/** Matmul FLOPs of one image's attribution: vision, prefill, the clean run, the masks. */
export function imageFlops(model: TargetModel, samples: number, alpha: number): number {
  const past = model.prefixTokens + model.imageTokens;
  const { shape, suffixTokens } = model;
  return (
    model.visionFlops +
    decoderFlops(shape, 0, past) +
    decoderFlops(shape, past, suffixTokens) +
    samples * expectedMaskFlops(shape, model.headsPerLayer, alpha, past, suffixTokens)
  );
}

export interface ProjectionInput {
  /** Measured: seconds per image of one `sets` process here (model load excluded). */
  secondsPerImage: number;
  /** Counted: matmul FLOPs per image of that run (the bundled model). */
  measuredImageFlops: number;
  /** The attribution's samples for the bundled model's head count, and its alpha. */
  samples: number;
  heads: number;
  alpha: number;
  images: number;
  target: TargetModel;
  /** Nodes of this machine's kind, one process each. */
  nodes: number[];
  /** Assumed (not measured) sustained fp32 rate of one GPU on these matmuls. */
  gpuTflops: number;
  gpus: number[];
}

const hours = (seconds: number) => Number((seconds / 3600).toFixed(2));

export function projectJob(input: ProjectionInput) {
  const rate = input.measuredImageFlops / input.secondsPerImage;
  const targetHeads = input.target.shape.layers * input.target.headsPerLayer;
  const samples = Math.round((input.samples * targetHeads) / input.heads);
  const flops = imageFlops(input.target, samples, input.alpha);
  const secondsHere = flops / rate;
  const secondsGpu = flops / (input.gpuTflops * 1e12);
  const totalHere = input.images * secondsHere;
  const totalGpu = input.images * secondsGpu;
  return {
    images: input.images,
    model: input.target.name,
    effectiveGflopsHere: Number((rate / 1e9).toFixed(2)),
    samplesPerImage: samples,
    matmulFlopsPerImage: Number(flops.toPrecision(4)),
    secondsPerImageHere: Number(secondsHere.toFixed(1)),
    nodeHoursHere: hours(totalHere),
    clusterHoursOfNodesLikeThis: Object.fromEntries(
      input.nodes.map((n) => [String(n), hours(totalHere / n)]),
    ),
    secondsPerImageGpuAssumed: Number(secondsGpu.toFixed(2)),
    clusterHoursOfGpusAssumed: Object.fromEntries(
      input.gpus.map((n) => [String(n), hours(totalGpu / n)]),
    ),
    arithmetic: [
      `effective rate here = ${input.measuredImageFlops.toPrecision(4)} FLOPs per image / ${input.secondsPerImage.toFixed(2)} s per image (one sets process on the bundled model) = ${(rate / 1e9).toFixed(2)} GFLOP/s`,
      `samples = ${input.samples} x ${targetHeads} heads / ${input.heads} heads = ${samples} (the same samples per head as the default)`,
      `FLOPs per image = vision ${input.target.visionFlops.toPrecision(3)} + prefill of ${input.target.prefixTokens + input.target.imageTokens} tokens + clean run + ${samples} masks x expected layer-entry suffix run of ${input.target.suffixTokens} tokens = ${flops.toPrecision(4)}`,
      `seconds per image here = ${flops.toPrecision(4)} / ${rate.toPrecision(4)} = ${secondsHere.toFixed(1)}; x ${input.images} images = ${hours(totalHere)} node-hours, divided by the nodes`,
      `on a GPU at an assumed ${input.gpuTflops} TFLOP/s sustained: ${flops.toPrecision(4)} / ${input.gpuTflops}e12 = ${secondsGpu.toFixed(2)} s per image; x ${input.images} = ${hours(totalGpu)} GPU-hours, divided by the GPUs`,
    ],
    assumptions: [
      "the FLOP rate measured on the bundled model holds for the larger model's matmuls (larger matrices usually run at a higher rate on a CPU, so this leans pessimistic)",
      "FLOPs count matmuls only (norms, softmax, activations left out), with full multi-head q/k/v projections (Qwen2-0.5B's grouped k/v heads make the real count a little lower)",
      "one 729-token image view per COCO image (the 384 px base view; any-resolution tiles would multiply the image tokens), 24 prompt tokens before the image and 16 after it",
      "vision encoder: 2 x 0.4e9 parameters x 729 patches",
      "the attribution samples grow with the head count, at the default's samples per head",
      `the GPU rate (${input.gpuTflops} TFLOP/s) is an assumption, not a measurement: no GPU with onnxruntime's CUDA provider was measured here`,
      "shards split the images evenly and each node or GPU runs one process; model loading and the merge are left out",
    ],
  };
}
