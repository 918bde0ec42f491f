/** The fp32 matrix-multiply rate of this machine, measured in the engine's runtime. */
import { maxOf, type OrtModule, type OrtSessionOptions } from "../../engine";
import { matmulModel } from "./onnx-matmul";
import { median, round } from "./stats";

export interface MatmulRate {
  /** [m, k, n]: A is m x k, B is k x n. */
  shape: [number, number, number];
  /** Fastest repeat: a peak is the best the machine can do, other jobs only slow it. */
  gflops: number;
  medianGflops: number;
}

export interface MatmulPeak {
  gflops: number;
  size: number;
  bySize: MatmulRate[];
}

/** GFLOP/s of C = A x B for one shape, in repeats of about 0.2 s each. */
export async function measureMatmul(
  ort: OrtModule,
  options: OrtSessionOptions,
  [m, k, n]: [number, number, number],
  repeats = 5,
): Promise<MatmulRate> {
  const session = await ort.InferenceSession.create(matmulModel(m, k, n), options);
  const fill = (length: number) =>
    Float32Array.from({ length }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const feeds = {
    A: new ort.Tensor("float32", fill(m * k), [m, k]),
    B: new ort.Tensor("float32", fill(k * n), [k, n]),
  };
  await session.run(feeds); // warm-up
  const flops = 2 * m * k * n;
  const started = performance.now();
  await session.run(feeds);
  const once = Math.max(0.05, performance.now() - started);
  const runs = Math.max(1, Math.round(200 / once));
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await session.run(feeds);
    rates.push((flops * runs) / ((performance.now() - t0) / 1000) / 1e9);
  }
  await session.release();
  return {
    shape: [m, k, n],
    gflops: round(maxOf(rates), 2),
    medianGflops: round(median(rates), 2),
  };
}

/** The peak over square sizes. */
export async function measureMatmulPeak(
  ort: OrtModule,
  options: OrtSessionOptions,
  sizes = [256, 512, 1024],
): Promise<MatmulPeak> {
  const bySize: MatmulRate[] = [];
  for (const size of sizes) bySize.push(await measureMatmul(ort, options, [size, size, size]));
  const best = bySize.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  return { gflops: best.gflops, size: best.shape[0], bySize };
}

/**
 * The peak beside the decoder's own matmul shapes at the attribution's batch (rows =
 * batch x suffix tokens): what these small matrices can reach. The peak is the fastest
 * rate seen at any shape.
 */
export async function measurePeakWithDecoderShapes(
  ort: OrtModule,
  options: OrtSessionOptions,
  shape: { hiddenSize: number; intermediateSize: number },
  rows: number,
) {
  const peak = await measureMatmulPeak(ort, options);
  const d = shape.hiddenSize;
  const decoderShapes: [number, number, number][] = [
    [rows, d, 3 * d],
    [rows, d, shape.intermediateSize],
    [rows, shape.intermediateSize, d],
  ];
  const atDecoderShapes: MatmulRate[] = [];
  for (const s of decoderShapes) atDecoderShapes.push(await measureMatmul(ort, options, s));
  const gflops = Math.max(peak.gflops, maxOf(atDecoderShapes.map((r) => r.gflops)));
  return { gflops, squares: peak.bySize, atDecoderShapes };
}
