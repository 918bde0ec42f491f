/**
 * CLI: generates the emoji-scene data splits (and the app's sample gallery).
 *
 *   npx tsx training/data/generate.ts            # every default split + gallery
 *   npx tsx training/data/generate.ts --split heldout
 *   npx tsx training/data/generate.ts --split mine --seed 7 --count 5000 --styles noto,openmoji
 *   npx tsx training/data/generate.ts --hold-out-style openmoji   # train-no-openmoji
 *   npx tsx training/data/generate.ts --gallery                   # public/samples only
 *
 *   npx tsx training/data/generate.ts --split train-dr            # domain-randomised, 8 styles
 *
 * Flags: --split NAME, --seed N, --count N, --styles a,b,c, --dr, --out DIR (default
 * training/data/out), --hold-out-style STYLE, --png (also write PNGs; on for
 * `reference`), --force (rebuild splits that are already complete and up to date),
 * --gallery, --gallery-out DIR (default public/samples), --no-gallery.
 * See training/data/README.md.
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isStyle, type Style, TRAIN_STYLES, verifyCategories } from "./categories.ts";
import { writeGallery } from "./gallery.ts";
import { writePng } from "./png.ts";
import { IMAGE_SIZE } from "./scene.ts";
import {
  sceneFunction,
  generateSplit,
  makeContext,
  type Progress,
  type SplitOptions,
  isUpToDate,
  refreshInfo,
} from "./split.ts";
import { DEFAULT_SPLITS, DR_SPLITS, styleProblem, TRAIN_DR_STYLES } from "./split-list.ts";
import { SpriteCache } from "./sprites.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function fail(message: string): never {
  process.stderr.write(`generate: ${message}\n`);
  process.exit(2);
}

function parseStyles(list: string): Style[] {
  const styles = list.split(",").map((s) => s.trim());
  for (const s of styles) if (!isStyle(s)) fail(`unknown style "${s}"`);
  return styles as Style[];
}

function parseCount(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`${flag} must be a non-negative integer, got "${value}"`);
  return n;
}

function report(p: Progress): void {
  const rate = p.done / Math.max(p.seconds, 1e-9);
  const eta = (p.total - p.done) / Math.max(rate, 1e-9);
  process.stderr.write(
    `  ${p.split}: ${p.done}/${p.total} scenes, ${rate.toFixed(0)} scenes/s, eta ${eta.toFixed(0)} s\n`,
  );
}

async function writeSplitPngs(options: SplitOptions, sprites: SpriteCache): Promise<void> {
  const dir = join(options.out, options.name, "png");
  mkdirSync(dir, { recursive: true });
  const ctx = makeContext(options.styles, sprites);
  const image = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3);
  for (let i = 0; i < options.count; i++) {
    sceneFunction(options)(ctx, options.seed, i, image);
    await writePng(join(dir, `${String(i).padStart(3, "0")}.png`), image, IMAGE_SIZE);
  }
}

async function runSplit(options: SplitOptions, png: boolean, force: boolean, sprites: SpriteCache) {
  const problem = styleProblem(options.name, options.styles);
  if (problem) fail(problem);
  const dir = join(options.out, options.name);
  if (!force && (await isUpToDate(options, sprites))) {
    refreshInfo(options);
    process.stderr.write(`${options.name}: up to date in ${dir} (use --force to rebuild)\n`);
    return;
  }
  process.stderr.write(
    `${options.name}: seed ${options.seed}, ${options.count} scenes, styles ${options.styles.join(",")} -> ${dir}\n`,
  );
  // PNGs first: DONE (written by generateSplit) must mark a split complete, PNGs included.
  rmSync(join(dir, "DONE"), { force: true });
  if (png) await writeSplitPngs(options, sprites);
  const seconds = generateSplit(options, report, sprites);
  process.stderr.write(
    `${options.name}: done in ${seconds.toFixed(1)} s (${(options.count / Math.max(seconds, 1e-9)).toFixed(0)} scenes/s)\n`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      split: { type: "string" },
      seed: { type: "string" },
      count: { type: "string" },
      styles: { type: "string" },
      out: { type: "string" },
      "hold-out-style": { type: "string" },
      png: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      gallery: { type: "boolean", default: false },
      "gallery-out": { type: "string" },
      "no-gallery": { type: "boolean", default: false },
      dr: { type: "boolean", default: false },
    },
    strict: true,
  });
  verifyCategories(TRAIN_DR_STYLES); // every style a training split draws
  const out = resolve(values.out ?? join(ROOT, "training/data/out"));
  const galleryOut = resolve(values["gallery-out"] ?? join(ROOT, "public/samples"));
  const sprites = new SpriteCache();
  const t0 = performance.now();

  const holdOut = values["hold-out-style"];
  if (holdOut !== undefined && !TRAIN_STYLES.includes(holdOut as (typeof TRAIN_STYLES)[number])) {
    fail(`--hold-out-style must be one of ${TRAIN_STYLES.join(", ")}`);
  }
  const custom = values.split !== undefined || holdOut !== undefined;
  if (values.gallery && !custom) {
    const n = await writeGallery(galleryOut, sprites);
    process.stderr.write(`gallery: ${n} scenes -> ${galleryOut}\n`);
    return;
  }
  if (!custom) {
    if (values.seed || values.count || values.styles) fail("--seed/--count/--styles need --split");
    for (const split of DEFAULT_SPLITS) {
      await runSplit(
        { ...split, out },
        values.png || split.name === "reference",
        values.force,
        sprites,
      );
    }
    if (!values["no-gallery"]) {
      const n = await writeGallery(galleryOut, sprites);
      process.stderr.write(`gallery: ${n} scenes -> ${galleryOut}\n`);
    }
  } else {
    const name = values.split ?? `train-no-${holdOut}`;
    const base =
      DEFAULT_SPLITS.find((s) => s.name === name) ??
      DR_SPLITS.find((s) => s.name === name) ??
      (holdOut !== undefined ? DEFAULT_SPLITS.find((s) => s.name === "train") : undefined);
    let styles: readonly Style[] = values.styles
      ? parseStyles(values.styles)
      : (base?.styles ?? TRAIN_STYLES);
    if (holdOut !== undefined) styles = styles.filter((s) => s !== holdOut);
    if (styles.length === 0) fail("no styles left");
    const seed = values.seed !== undefined ? parseCount(values.seed, "--seed") : (base?.seed ?? 1);
    const count =
      values.count !== undefined ? parseCount(values.count, "--count") : (base?.count ?? 1000);
    const dr = values.dr || (base?.dr ?? false);
    await runSplit(
      { name, seed, count, styles, out, ...(dr ? { dr } : {}) },
      values.png || name === "reference",
      values.force,
      sprites,
    );
    if (values.gallery) {
      const n = await writeGallery(galleryOut, sprites);
      process.stderr.write(`gallery: ${n} scenes -> ${galleryOut}\n`);
    }
  }
  process.stderr.write(`all done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

await main();
