/**
 * Key/value reuse + batching vs naive recomputation: the same masks through the engine's
 * runner (with and without layer entry) and through the vision encoder + whole prompt for
 * every mask, interleaved so the machine's load hits all three alike.
 */
import type { Headflow } from "../../engine";
import { naiveMaskLogits } from "./naive";
import type { BenchSetup } from "./setup";
import { median, round, timed } from "./stats";

export async function measureKvReuse(setup: BenchSetup, threads: number | undefined) {
  const { headflow, wholeDecoder, image, prompt, baseline, pixels, masks, maskCount } = setup;
  const { repeats, batchSize } = setup;
  const session = headflow.bundle.session;
  setup.log(`key/value reuse vs naive on ${maskCount} masks, ${repeats} repeats`);
  const baselineKv = await headflow.baseline(
    baseline,
    await headflow.prefill(image, prompt),
    image,
  );
  // Warm every path up (first runs of a shape allocate, the first layer-entry run builds
  // its graphs), so none pays it in the timings.
  await (await headflow.runner(image, prompt, baseline)).run(masks.bits, maskCount, { batchSize });
  await (
    await wholeDecoder.runner(image, prompt, baseline)
  ).run(masks.bits, Math.min(maskCount, batchSize), { batchSize });
  await naiveMaskLogits(session, prompt, pixels, baselineKv, masks.bits, 1);
  const kvTimes: number[] = [];
  const wholeTimes: number[] = [];
  const naiveTimes: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const wholeRatios: number[] = [];
  const wholeCpuRatios: number[] = [];
  let maxDiff = 0;
  let maxWholeDiff = 0;
  const kvRun = (model: Headflow) =>
    timed(async () => {
      const runner = await model.runner(image, prompt, baseline);
      return runner.run(masks.bits, maskCount, { batchSize });
    });
  for (let r = 0; r < repeats; r++) {
    const kv = await kvRun(headflow);
    const naive = await timed(() =>
      naiveMaskLogits(session, prompt, pixels, baselineKv, masks.bits, maskCount),
    );
    const whole = await kvRun(wholeDecoder);
    kvTimes.push(kv.ms / maskCount);
    wholeTimes.push(whole.ms / maskCount);
    naiveTimes.push(naive.ms / maskCount);
    ratios.push(naive.ms / kv.ms);
    cpuRatios.push(naive.cpuMs / kv.cpuMs);
    wholeRatios.push(naive.ms / whole.ms);
    wholeCpuRatios.push(naive.cpuMs / whole.cpuMs);
    for (let i = 0; i < kv.value.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(kv.value[i]! - naive.value[i]!));
      maxWholeDiff = Math.max(maxWholeDiff, Math.abs(whole.value[i]! - naive.value[i]!));
    }
  }
  const entersLayers = await (await headflow.runner(image, prompt, baseline)).entersLayers();
  return {
    entersLayers,
    figures: {
      masks: maskCount,
      batchSize,
      repeats,
      threads: threads ?? "onnxruntime default",
      layerEntry: entersLayers,
      kvMsPerMask: round(median(kvTimes), 4),
      naiveMsPerMask: round(median(naiveTimes), 4),
      speedup: round(median(ratios), 2),
      speedups: ratios.map((x) => round(x, 2)),
      cpuTimeSpeedup: round(median(cpuRatios), 2),
      cpuTimeSpeedups: cpuRatios.map((x) => round(x, 2)),
      maxAbsLogitDifference: maxDiff,
      wholeDecoder: {
        kvMsPerMask: round(median(wholeTimes), 4),
        speedup: round(median(wholeRatios), 2),
        speedups: wholeRatios.map((x) => round(x, 2)),
        cpuTimeSpeedup: round(median(wholeCpuRatios), 2),
        cpuTimeSpeedups: wholeCpuRatios.map((x) => round(x, 2)),
        maxAbsLogitDifference: maxWholeDiff,
      },
      note: "kv: prefill once + batched suffix runs over the reused cache (includes the prefill), each mask entering the decoder at its first ablated layer; wholeDecoder: the same without layer entry; naive: vision encoder + prefix/image + suffix for every mask, batch 1",
    },
  };
}
