/**
 * The engine's front door: a loaded bundle plus an image decoder, and the three analyses
 * the CLI and the browser offer (answer, ablate, attribute), each returning the versioned
 * JSON of result.ts.
 */
import {
  attributeHeads,
  checkAttributionSettings,
  DEFAULT_ATTRIBUTION,
  type AttributionProgress,
  type AttributionSettings,
  type MaskFitterFactory,
} from "./attribution/attribute-heads";
import {
  baselineKv,
  baselineLabel,
  normalisationOf,
  type BaselineSpec,
  type ImageDecoder,
} from "./ablation/baseline";
import type { Bundle } from "./model/bundle";
import { coefficientStandardErrors } from "./attribution/coefficient-se";
import { HeadflowError } from "./errors";
import { formatHead, headIndex, type HeadRef } from "./ablation/heads";
import { BLANK_GRAY, solidImage, toPixelValues, type RgbaImage } from "./model/image";
import type { ImageKv, KvCache } from "./model/kv";
import { maskOf } from "./attribution/masks";
import { prefill, type Prefilled } from "./model/prefill";
import {
  ABLATION_SCHEMA,
  ANSWER_SCHEMA,
  ATTRIBUTION_SCHEMA,
  type AblationResult,
  type AnswerResult,
  type AttributionResult,
  type ImageRef,
  type ModelRef,
} from "./results/attribution-results";
import { AblationRunner, ENTRY_CHUNK_BATCHES } from "./ablation/runner";
import {
  argmax,
  targetValue,
  topTokens,
  type TargetKind,
  type TokenScore,
} from "./ablation/targets";
import type { Prompt } from "./model/tokenize";

/** An image handed to the engine: decoded pixels plus the name results are labelled with. */
export interface NamedImage extends RgbaImage {
  name: string;
}

export interface AskOptions {
  question?: string;
  top?: number;
  maxTokens?: number;
}

export interface AblateOptions {
  heads: HeadRef[];
  baseline?: BaselineSpec;
  question?: string;
  target?: TargetKind;
  top?: number;
}

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
}

export interface WarmUpReport {
  /** The baseline whose key/values are now cached. */
  baseline: string;
  milliseconds: number;
}

const now = () => performance.now();

export class Headflow {
  readonly bundle: Bundle;
  private readonly decodeImage: ImageDecoder;
  /** Runtime label of results; public so analysis-runs.ts labels its results the same way. */
  readonly runtime: string;
  private readonly baselines = new Map<string, Promise<ImageKv>>();

  constructor(bundle: Bundle, decodeImage: ImageDecoder, runtime = "onnxruntime") {
    this.bundle = bundle;
    this.decodeImage = decodeImage;
    this.runtime = runtime;
  }

  get vocab(): number {
    return this.bundle.manifest.vocabSize;
  }

  modelRef(): ModelRef {
    const { manifest } = this.bundle;
    const { training } = manifest;
    return {
      id: manifest.id,
      name: manifest.name,
      layers: manifest.layers,
      heads: manifest.heads,
      ...(training?.random_init !== undefined ? { randomInit: training.random_init } : {}),
      ...(training?.step !== undefined ? { trainingStep: training.step } : {}),
    };
  }

  prompt(question?: string): Prompt {
    const tokenizer = this.bundle.tokenizer;
    return tokenizer.encodePrompt(question ?? tokenizer.defaultQuestion());
  }

  /** Prefix + image key/values and suffix embeddings for one image and question. */
  async prefill(image: RgbaImage, prompt: Prompt): Promise<Prefilled> {
    return prefill(this.bundle.session, prompt, toPixelValues(image, normalisationOf(this.bundle)));
  }

  /** A baseline's image key/values, cached per baseline and prompt prefix. */
  baseline(spec: BaselineSpec, prompt: Prompt): Promise<ImageKv> {
    const content = spec.kind === "image" ? `#${pixelHash(spec.image)}` : "";
    const key = `${baselineLabel(spec)}${content}|${prompt.ids.slice(0, prompt.imageStart).join(",")}`;
    let kv = this.baselines.get(key);
    if (!kv) {
      kv = baselineKv(this.bundle, prompt, spec, this.decodeImage);
      kv.catch(() => this.baselines.delete(key));
      this.baselines.set(key, kv);
    }
    return kv;
  }

  async runner(image: RgbaImage, prompt: Prompt, spec: BaselineSpec): Promise<AblationRunner> {
    // One after the other: onnxruntime-web does not promise concurrent runs of a session.
    const baseline = await this.baseline(spec, prompt);
    const prefilled = await this.prefill(image, prompt);
    return new AblationRunner(this.bundle.session, prefilled, baseline);
  }

  /**
   * Does ahead of time the first attribution's one-off work: computes the default baseline
   * (cached per prompt prefix, which every question shares), then runs one full batch of
   * ablated masks. onnxruntime-web's wasm functions are compiled lazily, on first call, and
   * recompiled optimised once hot, on the browser's threads; left to the first
   * attribution, that work competed with the inference worker and starved the page's main
   * thread for 70-290 ms on a 2-core machine (scripts/longtasks.ts). A warm-up on one image
   * and two masks was not enough (57-116 ms remained): the batched shapes must run. Results
   * do not change (tested).
   */
  async warmUp(batchSize = DEFAULT_ATTRIBUTION.batchSize): Promise<WarmUpReport> {
    const started = now();
    const spec: BaselineSpec =
      this.bundle.manifest.reference.length > 0 ? { kind: "mean" } : { kind: "blank" };
    const blank = solidImage(this.bundle.manifest.image.size, BLANK_GRAY);
    const runner = await this.runner(blank, this.prompt(), spec);
    const batch = Math.max(1, batchSize);
    // One head per row, spread over the layers, like a batch of a real attribution.
    const masks = new Uint8Array(batch * runner.maskSize);
    for (let row = 0; row < batch; row++)
      masks[row * runner.maskSize + (row % runner.maskSize)] = 1;
    await runner.run(masks, batch, { batchSize: batch });
    return { baseline: baselineLabel(spec), milliseconds: now() - started };
  }

  async ask(image: NamedImage, options: AskOptions = {}): Promise<AnswerResult> {
    const prompt = this.prompt(options.question);
    const prefilled = await this.prefill(image, prompt);
    const { ids, firstLogits } = await this.generate(prefilled, options.maxTokens ?? 4);
    const tokenizer = this.bundle.tokenizer;
    return {
      schema: ANSWER_SCHEMA,
      model: this.modelRef(),
      image: imageRef(image),
      question: prompt.question,
      answer: tokenizer.decode(ids),
      answerTokens: ids.map((id) => tokenizer.tokenText(id)),
      top: this.top(firstLogits, 0, options.top ?? 5),
    };
  }

  async ablate(image: NamedImage, options: AblateOptions): Promise<AblationResult> {
    const prompt = this.prompt(options.question);
    const spec = options.baseline ?? { kind: "mean" };
    const kind = options.target ?? "logit";
    const runner = await this.runner(image, prompt, spec);
    const { heads } = this.bundle.manifest;
    const size = runner.maskSize;
    const masks = new Uint8Array(2 * size);
    masks.set(
      maskOf(
        size,
        options.heads.map((h) => headIndex(h, heads)),
      ),
      size,
    );
    const logits = await runner.run(masks, 2);
    const answerId = argmax(logits, 0, this.vocab);
    const side = (row: number) => ({
      target: targetValue(logits, row, this.vocab, answerId, kind),
      answer: this.bundle.tokenizer.tokenText(argmax(logits, row, this.vocab)),
      top: this.top(logits, row, options.top ?? 5),
    });
    return {
      schema: ABLATION_SCHEMA,
      model: this.modelRef(),
      image: imageRef(image),
      question: prompt.question,
      baseline: baselineLabel(spec),
      heads: options.heads.map(formatHead),
      target: { kind, token: this.bundle.tokenizer.tokenText(answerId), id: answerId },
      clean: side(0),
      ablated: side(1),
    };
  }

  async attribute(image: NamedImage, options: AttributeOptions = {}): Promise<AttributionResult> {
    const started = now();
    const settings: AttributionSettings = { ...DEFAULT_ATTRIBUTION, ...options.settings };
    checkAttributionSettings(settings);
    const prompt = this.prompt(options.question);
    const spec = options.baseline ?? { kind: "mean" };
    const kind = options.target ?? "logit";
    const runner = await this.runner(image, prompt, spec);
    options.signal?.throwIfAborted();
    const clean = await runner.run(new Uint8Array(runner.maskSize), 1);
    const answerId =
      options.answer === undefined ? argmax(clean, 0, this.vocab) : this.answerId(options.answer);
    const prefillMs = now() - started;

    const vocab = this.vocab;
    const masksStarted = now();
    const run = await attributeHeads(
      async (masks, count) => {
        const logits = await runner.run(masks, count, {
          batchSize: settings.batchSize,
          ...(options.signal ? { signal: options.signal } : {}),
        });
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
    const masksMs = now() - masksStarted - run.fitMs;
    const { layers, heads } = this.bundle.manifest;
    const scores = Array.from({ length: layers }, (_, l) =>
      Array.from(run.scores.subarray(l * heads, (l + 1) * heads)),
    );
    const errors = coefficientStandardErrors(run.masks, run.targets, settings);
    const standardErrors = Array.from({ length: layers }, (_, l) =>
      Array.from(errors.subarray(l * heads, (l + 1) * heads), (e) =>
        Number.isFinite(e) ? e : null,
      ),
    );
    return {
      schema: ATTRIBUTION_SCHEMA,
      model: this.modelRef(),
      image: imageRef(image),
      question: prompt.question,
      promptTokens: prompt.tokens,
      imageTokenRange: [prompt.imageStart, prompt.imageEnd],
      answer: { token: this.bundle.tokenizer.tokenText(answerId), id: answerId },
      target: kind,
      baseline: baselineLabel(spec),
      settings,
      layers,
      heads,
      scores,
      intercept: run.intercept,
      standardErrors,
      fit: { heldOutR: run.heldOutR, trainMasks: run.trainCount, heldOutMasks: run.heldOutCount },
      clean: { target: targetValue(clean, 0, vocab, answerId, kind), top: this.top(clean, 0, 5) },
      timings: {
        prefillMs,
        masksMs,
        fitMs: run.fitMs,
        totalMs: now() - started,
        masksPerSecond: settings.samples / (masksMs / 1000),
      },
      runtime: this.runtime,
      createdAt: new Date().toISOString(),
    };
  }

  /** Greedy decoding from the clean cache: answer ids (without end of sequence) and the first logits. */
  async generate(
    prefilled: Prefilled,
    maxTokens: number,
  ): Promise<{ ids: number[]; firstLogits: Float32Array }> {
    const { session } = this.bundle;
    const eos = this.bundle.manifest.eosTokenId;
    let { logits, present } = await session.decode({
      embeds: prefilled.suffixEmbeds,
      batch: 1,
      length: prefilled.suffixLength,
      past: prefilled.cache,
      wantPresent: true,
      logits: "last",
    });
    const firstLogits = logits;
    const ids: number[] = [];
    for (let step = 0; step < maxTokens; step++) {
      const next = argmax(logits, 0, this.vocab);
      if (next === eos) break;
      ids.push(next);
      if (step + 1 === maxTokens) break;
      ({ logits, present } = await session.decode({
        embeds: await session.embed([next]),
        batch: 1,
        length: 1,
        past: present as KvCache,
        wantPresent: true,
        logits: "last",
      }));
    }
    return { ids, firstLogits };
  }

  private answerId(word: string): number {
    const id = this.bundle.tokenizer.tokenId(word);
    if (id === undefined) throw new HeadflowError("bad-argument", `unknown answer word "${word}"`);
    return id;
  }

  private top(logits: Float32Array, row: number, k: number): TokenScore[] {
    return topTokens(logits, row, this.vocab, k, (id) => this.bundle.tokenizer.tokenText(id));
  }
}

function imageRef(image: NamedImage): ImageRef {
  return { name: image.name, width: image.width, height: image.height };
}

/** FNV-1a over an image's size and pixels: tells apart `image:` baselines with one name. */
function pixelHash(image: RgbaImage): string {
  let hash = 0x811c9dc5;
  const mix = (byte: number) => {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  };
  mix(image.width & 0xff);
  mix(image.height & 0xff);
  for (const byte of image.data) mix(byte);
  return `${image.width}x${image.height}:${hash.toString(16)}`;
}
