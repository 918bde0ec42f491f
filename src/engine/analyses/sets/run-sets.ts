/**
 * `headflow sets` / `merge` results: the attribution of every image of labelled sets
 * (sets.ts) as versioned JSON (analysis-result.ts), for one run, one shard, or a merge of
 * shards. A merge rebuilds the result from the shards' images with the very function a
 * single run uses, so the two are identical except for `timings` and `createdAt`.
 */
import { SETS_SCHEMA, SetsResultSchema, type SetsResult } from "../../results/analysis-results";
import { headGrid } from "../labels";
import { DEFAULT_ATTRIBUTION, type AttributionSettings } from "../../attribution/attribute-heads";
import { baselineLabel, type BaselineSpec } from "../../ablation/baseline";
import { HeadflowError } from "../../errors";
import type { Headflow, NamedImage } from "../../headflow";
import type { ModelRef } from "../../results/attribution-results";
import {
  collectShardImages,
  fingerprint,
  shardRange,
  summariseSets,
  type SetEntry,
  type SetImageResult,
} from "./sets";
import { DEFAULT_PERMUTATIONS } from "./similarity";
import type { TargetKind } from "../../ablation/targets";
import { attribute } from "../attribute";

/** Everything of a sets result that does not depend on which images a run covered. */
export interface SetsContext {
  model: ModelRef;
  question: string;
  baseline: string;
  target: TargetKind;
  settings: AttributionSettings;
  permutations: number;
  permutationSeed: number;
  layers: number;
  heads: number;
  fingerprint: string;
  total: number;
  runtime: string;
}

/** The fingerprint of a list and the settings that shape every image's result. */
export function setsFingerprint(
  entries: readonly SetEntry[],
  context: Omit<SetsContext, "fingerprint" | "total" | "runtime">,
): string {
  return fingerprint({ entries, ...context });
}

/**
 * The result for `images` (all of the list, or one shard's part; in list order). A shard's
 * summary covers its own images only and is replaced when shards are merged.
 */
export function buildSetsResult(
  context: SetsContext,
  images: readonly SetImageResult[],
  totalMs: number,
  shard?: { index: number; count: number },
): SetsResult {
  const { layers, heads } = context;
  const summary = summariseSets(images, context.permutations, context.permutationSeed);
  return {
    schema: SETS_SCHEMA,
    ...context,
    ...(shard ? { shard } : {}),
    images: images.map((image) => ({
      index: image.index,
      file: image.file,
      set: image.set,
      category: image.category,
      style: image.style,
      answer: image.answer,
      heldOutR: image.heldOutR,
      scores: headGrid(image.scores, layers, heads),
    })),
    sets: summary.sets.map((set) => ({
      name: set.name,
      count: set.count,
      mean: headGrid(set.mean, layers, heads),
      standardError: Array.from({ length: layers }, (_, l) =>
        set.standardError.slice(l * heads, (l + 1) * heads),
      ),
    })),
    similarity: summary.similarity,
    test: summary.test,
    timings: { totalMs },
    createdAt: new Date().toISOString(),
  };
}

function contextOf(result: SetsResult): SetsContext {
  const { model, question, baseline, target, settings, permutations, permutationSeed } = result;
  const { layers, heads, fingerprint, total, runtime } = result;
  return {
    model,
    question,
    baseline,
    target,
    settings,
    permutations,
    permutationSeed,
    layers,
    heads,
    fingerprint,
    total,
    runtime,
  };
}

function imagesOf(result: SetsResult): SetImageResult[] {
  return result.images.map((image) => ({ ...image, scores: image.scores.flat() }));
}

/**
 * Merges shard results (parsed JSON, any order) into the result of one run over the list.
 * `names` (the files, say) name the shards in refusals.
 */
export function mergeSetsResults(
  shards: readonly unknown[],
  names?: readonly string[],
): SetsResult {
  const parsed = shards.map((value, i) => {
    const result = SetsResultSchema.safeParse(value);
    if (!result.success) {
      const first = result.error.issues[0];
      throw new HeadflowError(
        "bad-argument",
        `${names?.[i] ?? `shard ${i + 1}`} is not a ${SETS_SCHEMA} result: ${first ? `${first.path.join(".")}: ${first.message}` : "unknown problem"}`,
      );
    }
    return result.data;
  });
  const images = collectShardImages(
    parsed.map((p, i) => ({
      ...(names?.[i] !== undefined ? { name: names[i] } : {}),
      fingerprint: p.fingerprint,
      total: p.total,
      ...(p.shard ? { shard: p.shard } : {}),
      images: imagesOf(p),
    })),
  );
  const totalMs = parsed.reduce((sum, p) => sum + p.timings.totalMs, 0);
  return buildSetsResult(contextOf(parsed[0]!), images, totalMs);
}

/** The settings that shape every image's result (a sets context without the list). */
export type SetsShaping = Omit<SetsContext, "fingerprint" | "total" | "runtime">;

/**
 * Where a resumable run keeps finished images: `find` returns an image's earlier result
 * when it is still valid for these settings (else null, and the image is computed),
 * `save` keeps a new one as soon as it is done, `failed` records an image that threw.
 */
export interface SetsImageStore {
  find(index: number, entry: SetEntry, shaping: SetsShaping): Promise<SetImageResult | null>;
  save(image: SetImageResult, shaping: SetsShaping): Promise<void>;
  failed?(index: number, entry: SetEntry, error: unknown): Promise<void>;
}

export interface SetsRunOptions {
  question?: string;
  baseline?: BaselineSpec;
  target?: TargetKind;
  settings?: Partial<AttributionSettings>;
  permutations?: number;
  permutationSeed?: number;
  shard?: { index: number; count: number };
  /** Before the first image: the run's part of the list, images [start, end). */
  onStart?: (start: number, end: number) => Promise<void> | void;
  /** After each image; `reused` when it came from the store rather than the model. */
  onImage?: (done: number, total: number, file: string, reused: boolean) => void;
  store?: SetsImageStore;
  signal?: AbortSignal;
}

/** Attributes the list's images (or one shard's part) and builds the result. */
export async function runSets(
  headflow: Headflow,
  entries: readonly SetEntry[],
  loadImage: (entry: SetEntry, index: number) => Promise<NamedImage>,
  options: SetsRunOptions = {},
): Promise<SetsResult> {
  const started = performance.now();
  if (entries.length === 0) throw new HeadflowError("bad-argument", "the image list is empty");
  const settings: AttributionSettings = { ...DEFAULT_ATTRIBUTION, ...options.settings };
  const prompt = headflow.prompt(options.question);
  const spec = options.baseline ?? { kind: "mean" };
  const { layers, heads } = headflow.bundle.manifest;
  const shaping = {
    model: headflow.modelRef(),
    question: prompt.question,
    baseline: baselineLabel(spec),
    target: options.target ?? "logit",
    settings,
    permutations: options.permutations ?? DEFAULT_PERMUTATIONS,
    permutationSeed: options.permutationSeed ?? 0,
    layers,
    heads,
  } satisfies SetsShaping;
  const context: SetsContext = {
    ...shaping,
    fingerprint: setsFingerprint(entries, shaping),
    total: entries.length,
    runtime: headflow.runtime,
  };
  const [start, end] = options.shard
    ? shardRange(entries.length, options.shard.index, options.shard.count)
    : [0, entries.length];
  const attributeEntry = async (index: number, entry: SetEntry): Promise<SetImageResult> => {
    const attribution = await attribute(headflow, await loadImage(entry, index), {
      question: prompt.question,
      baseline: spec,
      target: context.target,
      settings,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return {
      index,
      ...entry,
      answer: attribution.answer.token,
      heldOutR: attribution.fit.heldOutR,
      scores: attribution.scores.flat(),
    };
  };
  await options.onStart?.(start, end);
  const images: SetImageResult[] = [];
  for (let index = start; index < end; index++) {
    options.signal?.throwIfAborted();
    const entry = entries[index]!;
    const stored = (await options.store?.find(index, entry, shaping)) ?? null;
    const image =
      stored ??
      (await attributeEntry(index, entry).catch(async (error: unknown) => {
        if (!options.signal?.aborted) await options.store?.failed?.(index, entry, error);
        throw error;
      }));
    if (!stored) await options.store?.save(image, shaping);
    images.push(image);
    options.onImage?.(index - start + 1, end - start, entry.file, stored !== null);
  }
  return buildSetsResult(context, images, performance.now() - started, options.shard);
}
