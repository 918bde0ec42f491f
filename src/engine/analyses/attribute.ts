/** `attribute`: head attribution of one image (random ablation masks + a linear fit). */
import { baselineLabel, type BaselineSpec } from "../ablation/baseline";
import { ENTRY_CHUNK_BATCHES } from "../ablation/runner";
import { targetValue, type TargetKind } from "../ablation/targets";
import {
  attributeHeads,
  checkAttributionSettings,
  DEFAULT_ATTRIBUTION,
  type AttributionProgress,
  type AttributionSettings,
  type MaskFitterFactory,
} from "../attribution/attribute-heads";
import { HalvingBatch, type Halving } from "../attribution/batch-halving";
import { coefficientStandardErrors } from "../attribution/coefficient-se";
import type { Headflow, NamedImage } from "../headflow";
import { ATTRIBUTION_SCHEMA, type AttributionResult } from "../results/attribution-results";
import { headGrid, imageRef } from "./labels";

export interface AttributeOptions {
  question?: string;
  baseline?: BaselineSpec;
  target?: TargetKind;
  /** Answer word whose target is measured; default: the model's own (clean) answer. */
  answer?: string;
  settings?: Partial<AttributionSettings>;
  onProgress?: (progress: AttributionProgress) => void;
  signal?: AbortSignal;
  /** Who fits the regression (default: in this thread; the browser's scoring worker). */
  fitter?: MaskFitterFactory;
  /**
   * Called when a batch ran out of memory and the masks are run again at half of it;
   * `settings.batchSize` unset, the batch starts at the one chosen for the model's memory.
   */
  onHalve?: (halving: Halving) => void;
}

export async function attribute(
  model: Headflow,
  image: NamedImage,
  options: AttributeOptions = {},
): Promise<AttributionResult> {
  const started = performance.now();
  const requested: AttributionSettings = { ...DEFAULT_ATTRIBUTION, ...options.settings };
  checkAttributionSettings(requested);
  const spec = options.baseline ?? { kind: "mean" };
  const kind = options.target ?? "logit";
  const runner = await model.runner(image, model.prompt(options.question), spec);
  // The prompt actually run: a third-party processor lays out its own image tokens.
  const { prompt } = runner.prefilled;
  // A batch that was set wins; otherwise the one the model's cache and the runtime's
  // memory allow (the bundled model's: the default of 32).
  const explicit = options.settings?.batchSize;
  const choice =
    explicit === undefined
      ? model.batchFor(runner.prefilled)
      : { batch: explicit, reason: `${explicit} (set)` };
  const settings: AttributionSettings = { ...requested, batchSize: choice.batch };
  const batch = new HalvingBatch(choice.batch, options.onHalve);
  options.signal?.throwIfAborted();
  const clean = await runner.run(new Uint8Array(runner.maskSize), 1);
  const answerId = model.answerId(options.answer, clean);
  const prefillMs = performance.now() - started;

  const vocab = model.vocab;
  const masksStarted = performance.now();
  const run = await attributeHeads(
    async (masks, count) => {
      // A chunk that runs out of memory is run again whole at half the batch; the chunks
      // before it are fitted already.
      const logits = await batch.run((batchSize) =>
        runner.run(masks, count, {
          batchSize,
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      );
      return Float64Array.from({ length: count }, (_, row) =>
        targetValue(logits, row, vocab, answerId, kind),
      );
    },
    runner.maskSize,
    settings,
    {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.fitter ? { fitter: options.fitter } : {}),
      chunk: (await runner.entersLayers())
        ? settings.batchSize * ENTRY_CHUNK_BATCHES
        : settings.batchSize,
    },
  );
  // Mask evaluation time, without the fitting done between batches.
  const masksMs = performance.now() - masksStarted - run.fitMs;
  const { layers, heads } = model.bundle.manifest;
  const errors = coefficientStandardErrors(run.masks, run.targets, settings);
  return {
    schema: ATTRIBUTION_SCHEMA,
    model: model.modelRef(),
    image: imageRef(image),
    question: prompt.question,
    promptTokens: prompt.tokens,
    imageTokenRange: [prompt.imageStart, prompt.imageEnd],
    answer: { token: model.tokenText(answerId), id: answerId },
    target: kind,
    baseline: baselineLabel(spec),
    settings,
    layers,
    heads,
    scores: headGrid(run.scores, layers, heads),
    intercept: run.intercept,
    standardErrors: headGrid(
      Array.from(errors, (e) => (Number.isFinite(e) ? e : null)),
      layers,
      heads,
    ),
    fit: { heldOutR: run.heldOutR, trainMasks: run.trainCount, heldOutMasks: run.heldOutCount },
    // After `fit`, where the schema has it: an opened result must rebuild byte for byte.
    batch: { size: batch.batch, reason: `${choice.reason}${batch.describe()}` },
    ...(run.stopping ? { stopping: run.stopping } : {}),
    clean: { target: targetValue(clean, 0, vocab, answerId, kind), top: model.top(clean, 0, 5) },
    timings: {
      prefillMs,
      masksMs,
      fitMs: run.fitMs,
      totalMs: performance.now() - started,
      masksPerSecond: run.masks.count / (masksMs / 1000),
    },
    runtime: model.runtime,
    createdAt: new Date().toISOString(),
  };
}
