/** `flow`: token-level information flow of one image (attention knockout in a sliding window). */
import type { Headflow, NamedImage } from "../../headflow";
import { FLOW_SCHEMA, type FlowResult } from "../../results/analysis-results";
import { knockoutSetup, type KnockoutImageOptions } from "../knockout-setup";
import { imageRef } from "../labels";
import { defaultPairs, defaultWindow, flowCurves, type FlowPair } from "./flow";
import { tokenGroups } from "./token-groups";

export interface FlowImageOptions extends KnockoutImageOptions {
  window?: number;
  pairs?: FlowPair[];
  onProgress?: (done: number, total: number) => void;
}

export async function flow(
  model: Headflow,
  image: NamedImage,
  options: FlowImageOptions = {},
): Promise<FlowResult> {
  const started = performance.now();
  const { prompt, layout, runner, answerId, run, mask, objectMask } = await knockoutSetup(
    model,
    image,
    options,
    "token flow is unavailable",
  );
  const { manifest } = model.bundle;
  const groups = tokenGroups(prompt, manifest.roleTokens, layout, mask);
  const window = options.window ?? defaultWindow(manifest.layers);
  const curves = await flowCurves(
    runner,
    groups,
    options.pairs ?? defaultPairs(),
    window,
    answerId,
    {
      ...run,
      ...(options.onProgress ? { onBatch: options.onProgress } : {}),
    },
  );
  return {
    schema: FLOW_SCHEMA,
    model: model.modelRef(),
    image: imageRef(image),
    question: prompt.question,
    answer: { token: model.tokenText(answerId), id: answerId },
    promptTokens: prompt.tokens,
    groups,
    objectMask,
    grid: layout.grid,
    window,
    layers: manifest.layers,
    cleanProbability: curves.cleanProbability,
    curves: curves.curves,
    timings: { totalMs: performance.now() - started },
    runtime: model.runtime,
    createdAt: new Date().toISOString(),
  };
}
