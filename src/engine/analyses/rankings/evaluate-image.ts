/**
 * `evaluate`: how well each head ranking (attribution, attention weight, single-head,
 * random) explains the answer, as faithfulness and completeness curves over the top-k heads.
 */
import { baselineLabel, type BaselineSpec } from "../../ablation/baseline";
import { formatHead } from "../../ablation/heads";
import { maskTargets } from "../../ablation/mask-targets";
import type { TargetKind } from "../../ablation/targets";
import { DEFAULT_ATTRIBUTION, type AttributionSettings } from "../../attribution/attribute-heads";
import type { Headflow, NamedImage } from "../../headflow";
import { EVALUATE_SCHEMA, type EvaluateResult } from "../../results/analysis-results";
import { requireAttentionAccess } from "../knockout-setup";
import { headGrid, imageRef } from "../labels";
import { DEFAULT_EVALUATE, evaluateRankings, type EvaluateSettings } from "./evaluate";
import { attentionToImage } from "./rankings";

export interface EvaluateImageOptions {
  question?: string;
  baseline?: BaselineSpec;
  target?: TargetKind;
  answer?: string;
  settings?: Partial<Omit<EvaluateSettings, "attribution">> & {
    attribution?: Partial<AttributionSettings>;
  };
  onProgress?: (stage: string, done: number, total: number) => void;
  signal?: AbortSignal;
}

export async function evaluate(
  model: Headflow,
  image: NamedImage,
  options: EvaluateImageOptions = {},
): Promise<EvaluateResult> {
  const started = performance.now();
  // The attention-weight ranking needs attention probabilities.
  requireAttentionAccess(model, "ranking evaluation is unavailable");
  const settings: EvaluateSettings = {
    ...DEFAULT_EVALUATE,
    ...options.settings,
    attribution: { ...DEFAULT_ATTRIBUTION, ...options.settings?.attribution },
  };
  const spec = options.baseline ?? { kind: "mean" };
  const kind = options.target ?? "logit";
  const runner = await model.runner(image, model.prompt(options.question), spec);
  const { prompt } = runner.prefilled;
  const clean = await runner.run(new Uint8Array(runner.maskSize), 1);
  const answerId = model.answerId(options.answer, clean);
  let masks = 0;
  const targets = maskTargets(runner, answerId, kind, {
    batchSize: settings.attribution.batchSize,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const counted: typeof targets = (bits, count) => {
    masks += count;
    return targets(bits, count);
  };
  const attention = await attentionToImage(model.bundle.session, runner.prefilled);
  const result = await evaluateRankings(counted, runner.maskSize, attention, settings, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const { layers, heads } = model.bundle.manifest;
  const rankings = result.rankings.map((r) => ({
    method: r.method,
    seed: r.seed ?? null,
    scores: r.scores ? headGrid(r.scores, layers, heads) : null,
    order: r.order.map((i) => formatHead({ layer: Math.floor(i / heads), head: i % heads })),
    faithfulness: r.faithfulness,
    completeness: r.completeness,
    keptTargets: r.keptTargets,
    droppedTargets: r.droppedTargets,
    kFaithfulness: r.kFaithfulness,
    kCompleteness: r.kCompleteness,
  }));
  const methods = [...new Set(rankings.map((r) => r.method))];
  return {
    schema: EVALUATE_SCHEMA,
    model: model.modelRef(),
    image: imageRef(image),
    question: prompt.question,
    answer: { token: model.tokenText(answerId), id: answerId },
    target: kind,
    baseline: baselineLabel(spec),
    layers,
    heads,
    settings,
    clean: result.clean,
    allAblated: result.allAblated,
    attributionFit: {
      heldOutR: result.attribution.heldOutR,
      trainMasks: result.attribution.trainCount,
      heldOutMasks: result.attribution.heldOutCount,
    },
    rankings,
    summary: methods.map((method) => {
      const runs = rankings.filter((r) => r.method === method);
      return {
        method,
        runs: runs.length,
        kFaithfulness: meanOfAll(runs.map((r) => r.kFaithfulness)),
        kCompleteness: meanOfAll(runs.map((r) => r.kCompleteness)),
      };
    }),
    timings: { totalMs: performance.now() - started, masks },
    runtime: model.runtime,
    createdAt: new Date().toISOString(),
  };
}

/** The mean, or null when any run never reached the level (no k to average). */
function meanOfAll(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === values.length && known.length > 0
    ? known.reduce((a, b) => a + b, 0) / known.length
    : null;
}
