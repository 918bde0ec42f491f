/** Milliseconds per mask of the engine's runner at batch sizes 1 to 128. */
import type { BenchSetup } from "./setup";
import { median, round, timed } from "./stats";

export async function measureBatchSweep(setup: BenchSetup, batches = [1, 8, 16, 32, 64, 128]) {
  const { headflow, image, prompt, baseline, masks, maskCount, repeats } = setup;
  setup.log("batch size sweep");
  const runner = await headflow.runner(image, prompt, baseline);
  const sweep = [];
  for (const batch of batches) {
    await runner.run(masks.bits, Math.min(maskCount, batch), { batchSize: batch }); // warm-up this shape
    const times: number[] = [];
    for (let r = 0; r < repeats; r++)
      times.push((await timed(() => runner.run(masks.bits, maskCount, { batchSize: batch }))).ms);
    sweep.push({ batch, msPerMask: round(median(times) / maskCount, 4) });
  }
  return sweep;
}
