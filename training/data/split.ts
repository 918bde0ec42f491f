/**
 * Generating one split: scenes 0..count-1 of a seed, rendered at 64 px and streamed to
 * a SplitWriter, plus the split's info.json.
 */
import {
  closeSync,
  createReadStream,
  openSync,
  readSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { BACKGROUND_KINDS, DR_BACKGROUND_KINDS } from "./backgrounds.ts";
import { AMBIGUITY_MARGIN, MIN_DOMINANT_SHARE, NAMED_COLOR_PROTOTYPES } from "./colornames.ts";
import { generateSceneDR, RENDER_PATHS } from "./randomise.ts";
import {
  type Category,
  CATEGORIES,
  CATEGORY_NAMES,
  categoriesFor,
  type Style,
} from "./categories.ts";
import { toUint8 } from "./composite.ts";
import { iconSetPackageVersion, loadIconSetInfo } from "./iconify.ts";
import { COLOR_NAMES } from "./palette.ts";
import { sceneSeed } from "./prng.ts";
import { POSITIONS, QUESTION_TYPES } from "./questions.ts";
import { buildRecord, type SceneRecord } from "./record.ts";
import {
  BOX_ALPHA,
  GRID,
  IMAGE_SIZE,
  renderScene,
  type SceneContext,
  sampleSceneWithLayers,
} from "./scene.ts";
import { SPRITE_RASTER, SpriteCache } from "./sprites.ts";
import { completedInfo, SplitWriter } from "./writer.ts";

export interface SplitOptions {
  name: string;
  seed: number;
  count: number;
  styles: readonly Style[];
  /** Root output directory; the split goes to <out>/<name>. */
  out: string;
  /** Domain-randomised scenes (randomise.ts) instead of the default ones. */
  dr?: boolean;
}

/** Scene-generation context for a set of styles (categories each style can draw). */
export function makeContext(styles: readonly Style[], sprites = new SpriteCache()): SceneContext {
  return {
    styles,
    categories: new Map(styles.map((s) => [s, categoriesFor(s)])),
    sprites,
  };
}

export const CATEGORY_BY_NAME: ReadonlyMap<string, Category> = new Map(
  CATEGORIES.map((c) => [c.name, c]),
);

/** Generates one scene at 64 px: its record and its RGB bytes written into `image`. */
export function generateScene(
  ctx: SceneContext,
  splitSeed: number,
  index: number,
  image: Uint8Array,
): SceneRecord {
  const { spec, layers } = sampleSceneWithLayers(ctx, index, sceneSeed(splitSeed, index));
  const rendered = renderScene(spec, IMAGE_SIZE, ctx.sprites, CATEGORY_BY_NAME, layers);
  toUint8(rendered.rgb, image);
  return buildRecord(spec, rendered);
}

/** The scene function of a split: default or domain-randomised. */
export function sceneFunction(
  options: Pick<SplitOptions, "dr">,
): (ctx: SceneContext, splitSeed: number, index: number, image: Uint8Array) => SceneRecord {
  return options.dr
    ? (ctx, seed, index, image) => generateSceneDR(ctx, CATEGORY_BY_NAME, seed, index, image)
    : generateScene;
}

export function splitInfo(options: SplitOptions): Record<string, unknown> {
  const categories = new Set(options.styles.flatMap((s) => categoriesFor(s).map((c) => c.name)));
  const drInfo = options.dr
    ? {
        domainRandomised: true,
        renderPaths: RENDER_PATHS,
        colorNames: {
          method: "nearest prototype in CIELAB (D65, CIE76); background = name of most pixels",
          ambiguityMargin: AMBIGUITY_MARGIN,
          minDominantShare: MIN_DOMINANT_SHARE,
          prototypes: NAMED_COLOR_PROTOTYPES,
        },
      }
    : {};
  return {
    schema: "headflow.emoji-scenes/1",
    split: options.name,
    seed: options.seed,
    count: options.count,
    size: IMAGE_SIZE,
    channels: 3,
    dtype: "uint8",
    layout: "NHWC",
    grid: [GRID, GRID],
    patchSize: IMAGE_SIZE / GRID,
    // The full table, so class indices are the same in every split; `splitCategories`
    // lists the ones this split can draw (fewer only for out-of-style splits).
    categories: CATEGORY_NAMES,
    splitCategories: CATEGORY_NAMES.filter((c) => categories.has(c)),
    styles: options.styles,
    questions: QUESTION_TYPES.map((q) => ({
      id: q.id,
      template: q.template,
      answers: q.answers === "categories" ? "categories" : [...q.answers],
    })),
    colors: COLOR_NAMES,
    positions: POSITIONS,
    backgroundKinds: options.dr ? DR_BACKGROUND_KINDS : BACKGROUND_KINDS,
    ...drInfo,
    boxAlphaThreshold: BOX_ALPHA,
    spriteRaster: SPRITE_RASTER,
    iconSets: Object.fromEntries(
      options.styles.map((s) => {
        const info = loadIconSetInfo(s);
        return [
          s,
          {
            name: info.name,
            package: `@iconify-json/${s}@${iconSetPackageVersion(s)}`,
            license: info.license?.spdx ?? info.license?.title,
            author: info.author?.name,
          },
        ];
      }),
    ),
  };
}

export interface Progress {
  split: string;
  done: number;
  total: number;
  seconds: number;
}

/** Generates and writes a split; returns the elapsed seconds. */
export function generateSplit(
  options: SplitOptions,
  onProgress?: (p: Progress) => void,
  sprites = new SpriteCache(),
): number {
  const ctx = makeContext(options.styles, sprites);
  const info = splitInfo(options);
  const scene = sceneFunction(options);
  const writer = new SplitWriter(join(options.out, options.name), IMAGE_SIZE * IMAGE_SIZE * 3);
  const start = performance.now();
  let lastReport = start;
  for (let i = 0; i < options.count; i++) {
    writer.add(scene(ctx, options.seed, i, writer.nextImage()));
    const now = performance.now();
    if (onProgress && (now - lastReport > 2000 || i === options.count - 1)) {
      lastReport = now;
      onProgress({
        split: options.name,
        done: i + 1,
        total: options.count,
        seconds: (now - start) / 1000,
      });
    }
  }
  writer.finish(info);
  return (performance.now() - start) / 1000;
}

/**
 * Rewrites the info.json of a split found up to date, so that it carries the current
 * provenance fields (atomically: readers never see a partial file).
 */
export function refreshInfo(options: SplitOptions): void {
  const path = join(options.out, options.name, "info.json");
  writeFileSync(`${path}.partial`, JSON.stringify(splitInfo(options), null, 2) + "\n");
  renameSync(`${path}.partial`, path);
}

/** Number of scenes `isUpToDate` regenerates and compares. */
const SPOT_CHECKS = 24;

/**
 * True if `<out>/<name>` is a complete split with the same info.json fields as these
 * options would write and, for SPOT_CHECKS scenes spread over the split, the same image
 * bytes and scenes.jsonl line as the current generator produces. Regenerating a sample
 * (rather than hashing the sources) means that a refactor or reformatting which keeps
 * the output identical does not force a 300k-scene rebuild, while any change to the
 * output does.
 */
export async function isUpToDate(
  options: SplitOptions,
  sprites = new SpriteCache(),
): Promise<boolean> {
  const dir = join(options.out, options.name);
  const existing = completedInfo(dir);
  if (!existing) return false;
  const fresh = splitInfo(options);
  for (const [key, value] of Object.entries(fresh)) {
    // Provenance only: whether the art changed is what the spot checks below test.
    if (key === "iconSets") continue;
    if (JSON.stringify(existing[key]) !== JSON.stringify(value)) return false;
  }
  if (options.count === 0) return true;
  const checks = [
    ...new Set(
      Array.from({ length: SPOT_CHECKS }, (_, k) => Math.floor((k * options.count) / SPOT_CHECKS)),
    ),
    options.count - 1,
  ];
  const ctx = makeContext(options.styles, sprites);
  const bytes = IMAGE_SIZE * IMAGE_SIZE * 3;
  const image = new Uint8Array(bytes);
  const stored = new Uint8Array(bytes);
  const expectedLines = new Map<number, string>();
  const fd = openSync(join(dir, "images.u8"), "r");
  try {
    for (const i of checks) {
      expectedLines.set(i, JSON.stringify(sceneFunction(options)(ctx, options.seed, i, image)));
      if (readSync(fd, stored, 0, bytes, i * bytes) !== bytes) return false;
      if (!Buffer.from(image).equals(Buffer.from(stored))) return false;
    }
  } finally {
    closeSync(fd);
  }
  // Stream scenes.jsonl once, comparing the checked lines and counting all of them.
  let index = 0;
  let same = true;
  const lines = createInterface({ input: createReadStream(join(dir, "scenes.jsonl")) });
  for await (const line of lines) {
    const expected = expectedLines.get(index);
    if (expected !== undefined && expected !== line) same = false;
    index++;
  }
  return same && index === options.count;
}
