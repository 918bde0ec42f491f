/**
 * The paper's analyses on a loaded model, each returning the versioned JSON of
 * analysis-result.ts: what the CLI prints and the browser's scoring worker posts. The
 * algorithms live in their own modules (evaluate, flow, patches, sets); this file wires
 * them to a Headflow (bundle, prompt, baseline, prefill) and labels the numbers.
 */
import {
  EVALUATE_SCHEMA,
  FLOW_SCHEMA,
  PATCHES_SCHEMA,
  type EvaluateResult,
  type FlowResult,
  type PatchesResult,
} from "./results/analysis-results";
import { DEFAULT_ATTRIBUTION, type AttributionSettings } from "./attribution/attribute-heads";
import { baselineLabel, normalisationOf, type BaselineSpec } from "./ablation/baseline";
import { HeadflowError } from "./errors";
import {
  DEFAULT_EVALUATE,
  evaluateRankings,
  type EvaluateSettings,
} from "./analyses/rankings/evaluate";
import { defaultPairs, defaultWindow, flowCurves, type FlowPair } from "./analyses/flow/flow";
import type { Headflow, NamedImage } from "./headflow";
import { formatHead } from "./ablation/heads";
import { toPixelValues } from "./model/image";
import { KnockoutRunner } from "./analyses/flow/knockout";
import { maskTargets } from "./ablation/mask-targets";
import {
  DEFAULT_CONTRIBUTION_THRESHOLD,
  maskFromContributions,
  maskFromCoverage,
  patchIndices,
  type ObjectMaskSource,
} from "./analyses/object-background/object-mask";
import {
  objectVsBackground,
  patchContributions,
} from "./analyses/object-background/object-vs-background";
import { prefill } from "./model/prefill";
import { attentionToImage } from "./analyses/rankings/rankings";
import { argmax, type TargetKind } from "./ablation/targets";
import { tokenGroups } from "./analyses/flow/token-groups";

const now = () => performance.now();

/** Layer-major flat scores -> `[layer][head]`. */
export function headGrid(flat: ArrayLike<number>, layers: number, heads: number): number[][] {
  return Array.from({ length: layers }, (_, l) =>
    Array.from({ length: heads }, (_, h) => flat[l * heads + h]!),
  );
}

function answerIdOf(headflow: Headflow, word: string | undefined, clean: Float32Array): number {
  if (word === undefined) return argmax(clean, 0, headflow.vocab);
  const id = headflow.bundle.tokenizer.tokenId(word);
  if (id === undefined) throw new HeadflowError("bad-argument", `unknown answer word "${word}"`);
  return id;
}

function imageRef(image: NamedImage) {
  return { name: image.name, width: image.width, height: image.height };
}

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

export async function evaluateImage(
  headflow: Headflow,
  image: NamedImage,
  options: EvaluateImageOptions = {},
): Promise<EvaluateResult> {
  const started = now();
  const settings: EvaluateSettings = {
    ...DEFAULT_EVALUATE,
    ...options.settings,
    attribution: { ...DEFAULT_ATTRIBUTION, ...options.settings?.attribution },
  };
  const prompt = headflow.prompt(options.question);
  const spec = options.baseline ?? { kind: "mean" };
  const kind = options.target ?? "logit";
  const runner = await headflow.runner(image, prompt, spec);
  const clean = await runner.run(new Uint8Array(runner.maskSize), 1);
  const answerId = answerIdOf(headflow, options.answer, clean);
  let masks = 0;
  const evaluate = maskTargets(runner, answerId, kind, {
    batchSize: settings.attribution.batchSize,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const counted: typeof evaluate = (bits, count) => {
    masks += count;
    return evaluate(bits, count);
  };
  const attention = await attentionToImage(headflow.bundle.session, runner.prefilled);
  const result = await evaluateRankings(counted, runner.maskSize, attention, settings, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const { layers, heads } = headflow.bundle.manifest;
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
  const meanOf = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length === values.length && known.length > 0
      ? known.reduce((a, b) => a + b, 0) / known.length
      : null;
  };
  return {
    schema: EVALUATE_SCHEMA,
    model: headflow.modelRef(),
    image: imageRef(image),
    question: prompt.question,
    answer: { token: headflow.bundle.tokenizer.tokenText(answerId), id: answerId },
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
        kFaithfulness: meanOf(runs.map((r) => r.kFaithfulness)),
        kCompleteness: meanOf(runs.map((r) => r.kCompleteness)),
      };
    }),
    timings: { totalMs: now() - started, masks },
    runtime: headflow.runtime,
    createdAt: new Date().toISOString(),
  };
}

/** Where the object patches come from (object-mask.ts). */
export type ObjectMaskSpec =
  | { source: "scene"; coverage: readonly number[]; threshold: number }
  | { source: "mask"; patches: readonly boolean[] }
  | { source: "contribution"; threshold?: number };

export interface KnockoutImageOptions {
  question?: string;
  answer?: string;
  objectMask?: ObjectMaskSpec;
  batchSize?: number;
  signal?: AbortSignal;
}

async function knockoutSetup(headflow: Headflow, image: NamedImage, options: KnockoutImageOptions) {
  const prompt = headflow.prompt(options.question);
  const session = headflow.bundle.session;
  const pixels = toPixelValues(image, normalisationOf(headflow.bundle));
  const runner = await KnockoutRunner.create(
    session,
    await prefill(session, prompt, pixels),
    pixels,
  );
  const clean = await runner.run([{ sources: [], targets: [], layers: [] }]);
  const answerId = answerIdOf(headflow, options.answer, clean);
  const run = {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const { mask, objectMask, contributions } = await resolveObjectMask(
    options.objectMask ?? { source: "contribution" },
    runner,
    answerId,
    run,
  );
  return { prompt, runner, answerId, run, mask, objectMask, contributions };
}

/**
 * The object mask a spec names; for `contribution`, the per-patch map is computed (and
 * returned, so `patches` need not compute it twice).
 */
async function resolveObjectMask(
  spec: ObjectMaskSpec,
  runner: KnockoutRunner,
  answerId: number,
  run: { batchSize?: number; signal?: AbortSignal },
): Promise<{
  mask: boolean[];
  objectMask: { source: ObjectMaskSource; threshold: number | null; patches: number[] };
  contributions?: number[];
}> {
  const patches = runner.session.dims.imageTokens;
  let mask: boolean[];
  let threshold: number | null = null;
  let contributions: number[] | undefined;
  if (spec.source === "contribution") {
    contributions = (await patchContributions(runner, answerId, run)).contributions;
    threshold = spec.threshold ?? DEFAULT_CONTRIBUTION_THRESHOLD;
    mask = maskFromContributions(contributions, threshold);
  } else if (spec.source === "scene") {
    threshold = spec.threshold;
    mask = maskFromCoverage(spec.coverage, patches, spec.threshold);
  } else {
    mask = [...spec.patches];
  }
  if (mask.length !== patches) {
    throw new HeadflowError(
      "bad-argument",
      `the object mask has ${mask.length} patches, the model's image ${patches}`,
    );
  }
  const objectMask = { source: spec.source, threshold, patches: patchIndices(mask) };
  return { mask, objectMask, ...(contributions ? { contributions } : {}) };
}

export interface FlowImageOptions extends KnockoutImageOptions {
  window?: number;
  pairs?: FlowPair[];
  onProgress?: (done: number, total: number) => void;
}

export async function flowImage(
  headflow: Headflow,
  image: NamedImage,
  options: FlowImageOptions = {},
): Promise<FlowResult> {
  const started = now();
  const { prompt, runner, answerId, run, mask, objectMask } = await knockoutSetup(
    headflow,
    image,
    options,
  );
  const { manifest } = headflow.bundle;
  const groups = tokenGroups(prompt, manifest.roleTokens, mask);
  const window = options.window ?? defaultWindow(manifest.layers);
  const flow = await flowCurves(runner, groups, options.pairs ?? defaultPairs(), window, answerId, {
    ...run,
    ...(options.onProgress ? { onBatch: options.onProgress } : {}),
  });
  return {
    schema: FLOW_SCHEMA,
    model: headflow.modelRef(),
    image: imageRef(image),
    question: prompt.question,
    answer: { token: headflow.bundle.tokenizer.tokenText(answerId), id: answerId },
    promptTokens: prompt.tokens,
    groups,
    objectMask,
    window,
    layers: manifest.layers,
    cleanProbability: flow.cleanProbability,
    curves: flow.curves,
    timings: { totalMs: now() - started },
    runtime: headflow.runtime,
    createdAt: new Date().toISOString(),
  };
}

export async function patchesImage(
  headflow: Headflow,
  image: NamedImage,
  options: KnockoutImageOptions = {},
): Promise<PatchesResult> {
  const started = now();
  const { prompt, runner, answerId, run, mask, objectMask, contributions } = await knockoutSetup(
    headflow,
    image,
    options,
  );
  const result = await objectVsBackground(runner, answerId, mask, {
    ...run,
    ...(contributions ? { contributions } : {}),
  });
  const [rows, cols] = headflow.bundle.manifest.image.grid;
  return {
    schema: PATCHES_SCHEMA,
    model: headflow.modelRef(),
    image: imageRef(image),
    question: prompt.question,
    answer: { token: headflow.bundle.tokenizer.tokenText(answerId), id: answerId },
    grid: [rows, cols],
    objectMask,
    cleanProbability: result.cleanProbability,
    object: result.object,
    background: result.background,
    wholeImage: result.image,
    contributions: headGrid(result.contributions, rows, cols),
    timings: { totalMs: now() - started },
    runtime: headflow.runtime,
    createdAt: new Date().toISOString(),
  };
}
