/** The fp32 matrix-multiply peak of this machine, measured in the engine's runtime. */
import type { OrtModule, OrtSessionOptions } from "../../engine";
import { matmulModel } from "./onnx-matmul";
import { median, round } from "./stats";

export interface MatmulPeak {
  gflops: number;
  size: number;
  bySize: { size: number; gflops: number; medianGflops: number }[];
}

export async function measureMatmulPeak(
  ort: OrtModule,
  options: OrtSessionOptions,
  sizes = [256, 512, 1024],
  repeats = 5,
): Promise<MatmulPeak> {
  const bySize: MatmulPeak["bySize"] = [];
  for (const size of sizes) {
    const session = await ort.InferenceSession.create(matmulModel(size, size, size), options);
    const fill = () =>
      Float32Array.from({ length: size * size }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
    const feeds = {
      A: new ort.Tensor("float32", fill(), [size, size]),
      B: new ort.Tensor("float32", fill(), [size, size]),
    };
    await session.run(feeds); // warm-up
    const flops = 2 * size ** 3;
    // Enough runs per timing for ~0.2 s, so timer and call overhead do not matter.
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
    // A peak is the best the machine can do: take the fastest repeat (other jobs only
    // ever slow a repeat down), and keep the median beside it.
    bySize.push({
      size,
      gflops: round(Math.max(...rates), 2),
      medianGflops: round(median(rates), 2),
    });
    await session.release();
  }
  const best = bySize.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  return { gflops: best.gflops, size: best.size, bySize };
}
