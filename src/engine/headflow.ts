/**
 * `Headflow`: a loaded model ready for analysis (the model context). It holds what every
 * analysis shares: the bundle, prompts, the once-per-image prefill, baselines (cached), the
 * ablation runner, the warm-up and the labelling of token ids. The analyses themselves are
 * free functions of it (src/engine/analyses: ask, ablate, attribute, evaluate, flow,
 * objectVsBackground), so the built-in model and third-party exports run the same code.
 *
 * A model family plugs in through `ModelSources` (how an image becomes a prefilled cache,
 * how a baseline's key/values are made), not by overriding methods: third-party exports
 * inject their processor-driven sources (src/engine/exports/transformers-js).
 */
import {
  baselineKv,
  baselineLabel,
  normalisationOf,
  type BaselineSpec,
  type ImageDecoder,
} from "./ablation/baseline";
import { AblationRunner } from "./ablation/runner";
import { topTokens, argmax, type TokenScore } from "./ablation/targets";
import { HeadflowError } from "./errors";
import {
  chooseBatch,
  memoryOfRuntime,
  type BatchChoice,
  type RuntimeMemory,
} from "./model/batch-budget";
import type { Bundle } from "./model/bundle";
import { BLANK_GRAY, solidImage, toPixelValues, type RgbaImage } from "./model/image";
import type { ImageKv } from "./model/kv";
import { pixelHash } from "./model/pixel-hash";
import { prefill, type Prefilled } from "./model/prefill";
import type { Prompt } from "./model/tokenize";
import type { ModelRef } from "./results/attribution-results";

/** An image handed to the engine: decoded pixels plus the name results are labelled with. */
export interface NamedImage extends RgbaImage {
  name: string;
}

/** How a model family turns images into key/values. */
export interface ModelSources {
  /** Prefix + image key/values and suffix embeddings of one image and question. */
  prefill(image: RgbaImage, prompt: Prompt): Promise<Prefilled>;
  /** A baseline's image key/values, laid out like `clean`'s image block. */
  baseline(spec: BaselineSpec, clean: Prefilled, image: RgbaImage): Promise<ImageKv>;
  /** What a baseline depends on besides its spec; baselines are cached per scope. */
  baselineScope(clean: Prefilled, image: RgbaImage): string;
}

export interface WarmUpReport {
  /** The baseline whose key/values are now cached. */
  baseline: string;
  milliseconds: number;
}

/** The bundle's own sources: its image normalisation, and baselines per prompt prefix. */
export function bundleSources(bundle: Bundle, decodeImage: ImageDecoder): ModelSources {
  return {
    prefill: (image, prompt) =>
      prefill(bundle.session, prompt, toPixelValues(image, normalisationOf(bundle))),
    baseline: (spec, clean) => baselineKv(bundle, clean.prompt, spec, decodeImage),
    // The image block's key/values depend on the text before it, not on the question.
    baselineScope: (clean) => clean.prompt.ids.slice(0, clean.prompt.imageStart).join(","),
  };
}

export class Headflow {
  readonly bundle: Bundle;
  /** Runtime label of results ("onnxruntime-web (wasm)", ...). */
  readonly runtime: string;
  /**
   * The memory the default batch size is chosen within (batch-budget.ts): by default the
   * runtime label's (the wasm heap, or on WebGPU the spec's minimum buffer limits); a front
   * end that knows better (Node's memory, the adapter's limits) sets it.
   */
  memory: RuntimeMemory;
  private readonly sources: ModelSources;
  private readonly baselines = new Map<string, Promise<ImageKv>>();

  constructor(
    bundle: Bundle,
    decodeImage: ImageDecoder,
    runtime = "onnxruntime",
    sources: ModelSources = bundleSources(bundle, decodeImage),
  ) {
    this.bundle = bundle;
    this.runtime = runtime;
    this.sources = sources;
    this.memory = memoryOfRuntime(runtime);
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
  prefill(image: RgbaImage, prompt: Prompt): Promise<Prefilled> {
    return this.sources.prefill(image, prompt);
  }

  /** A baseline's image key/values for the clean run `clean` of `image`, cached. */
  baseline(spec: BaselineSpec, clean: Prefilled, image: RgbaImage): Promise<ImageKv> {
    const content = spec.kind === "image" ? `#${pixelHash(spec.image)}` : "";
    const key = `${baselineLabel(spec)}${content}|${this.sources.baselineScope(clean, image)}`;
    let kv = this.baselines.get(key);
    if (!kv) {
      kv = this.sources.baseline(spec, clean, image);
      kv.catch(() => this.baselines.delete(key));
      this.baselines.set(key, kv);
    }
    return kv;
  }

  /** The ablation runner of one image, question and baseline. */
  async runner(image: RgbaImage, prompt: Prompt, spec: BaselineSpec): Promise<AblationRunner> {
    // One after the other: onnxruntime-web does not promise concurrent runs of a session.
    const prefilled = await this.prefill(image, prompt);
    const baseline = await this.baseline(spec, prefilled, image);
    return new AblationRunner(this.bundle.session, prefilled, baseline);
  }

  /**
   * The default batch size of ablation runs over `prefilled` (its cache length and suffix)
   * on this runtime, and why.
   */
  batchFor(prefilled: Prefilled): BatchChoice {
    const { session } = this.bundle;
    const { layers, heads, headDim, hiddenSize, vocabSize } = session.dims;
    const memory = session.memory?.();
    return chooseBatch(
      {
        layers,
        kvHeads: heads,
        queryHeads: memory?.queryHeads ?? heads,
        headDim,
        hiddenSize,
        vocab: vocabSize,
        pastLength: prefilled.cache.length,
        suffixLength: prefilled.suffixLength,
      },
      memory?.weightBytes,
      this.memory,
    );
  }

  /**
   * Does ahead of time the first attribution's one-off work: computes the default baseline
   * (cached per prompt prefix, which every question shares), then runs one full batch of
   * ablated masks. onnxruntime-web's wasm functions are compiled lazily, on first call, and
   * recompiled optimised once hot, on the browser's threads; left to the first
   * attribution, that work competed with the inference worker and starved the page's main
   * thread for 70-290 ms on a 2-core machine (scripts/longtasks.ts). A warm-up on one image
   * and two masks was not enough (57-116 ms remained): the batched shapes must run. Results
   * do not change (tested). `batchSize`: default, the batch an attribution would choose.
   */
  async warmUp(batchSize?: number): Promise<WarmUpReport> {
    const started = performance.now();
    const spec: BaselineSpec =
      this.bundle.manifest.reference.length > 0 ? { kind: "mean" } : { kind: "blank" };
    const blank = solidImage(this.bundle.manifest.image.size, BLANK_GRAY);
    const runner = await this.runner(blank, this.prompt(), spec);
    const batch = Math.max(1, batchSize ?? this.batchFor(runner.prefilled).batch);
    // One head per row, spread over the layers, like a batch of a real attribution.
    const masks = new Uint8Array(batch * runner.maskSize);
    for (let row = 0; row < batch; row++)
      masks[row * runner.maskSize + (row % runner.maskSize)] = 1;
    await runner.run(masks, batch, { batchSize: batch });
    return { baseline: baselineLabel(spec), milliseconds: performance.now() - started };
  }

  /** The answer token an analysis measures: `word`'s id, or the clean run's top token. */
  answerId(word: string | undefined, cleanLogits: Float32Array): number {
    if (word === undefined) return argmax(cleanLogits, 0, this.vocab);
    const id = this.bundle.tokenizer.tokenId(word);
    if (id === undefined) throw new HeadflowError("bad-argument", `unknown answer word "${word}"`);
    return id;
  }

  tokenText(id: number): string {
    return this.bundle.tokenizer.tokenText(id);
  }

  /** The `k` most likely tokens of row `row` of `logits`, labelled. */
  top(logits: Float32Array, row: number, k: number): TokenScore[] {
    return topTokens(logits, row, this.vocab, k, (id) => this.tokenText(id));
  }
}
