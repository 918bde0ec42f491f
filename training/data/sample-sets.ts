/**
 * Sample image sets for `headflow sets` (public/samples/sets/, committed): a folder per
 * category, each holding IMAGES_PER_CELL scenes of that category in every training style,
 * as the model sees them (64 px PNG), with labels.json ({file, category, style,
 * patchCoverage}) per folder and a top-level labels.json list ({file, set, category,
 * style}) for `headflow sets --list`. Categories x styles cross, so the
 * semantic-vs-appearance test has both kinds of pair.
 *
 *   npx tsx training/data/sample-sets.ts [--out DIR]
 *
 * Scenes come from the generator's own sampler (scene.ts), so they look like training
 * scenes (backgrounds, distractors, rotation): the sampler draws the main category from
 * a pool made of the wanted category and FILLER others, and a scene is kept when the
 * wanted one was drawn. Every (category, style) cell has its own seed stream (split seed
 * SETS_SEED * 100 + cell), so no two cells share backgrounds or layouts: with one stream,
 * the same accepted seeds would give every cell the same scenes but for the sprite, and
 * similarity would reflect shared layouts instead of category or style.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { categoriesFor, type Category, type Style, TRAIN_STYLES } from "./categories.ts";
import { toUint8 } from "./composite.ts";
import { writePng } from "./png.ts";
import { sceneSeed } from "./prng.ts";
import { buildRecord } from "./record.ts";
import { IMAGE_SIZE, renderScene, sampleSceneWithLayers, type SceneContext } from "./scene.ts";
import { CATEGORY_BY_NAME } from "./split.ts";
import { SpriteCache } from "./sprites.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Two animals, a food, a vehicle: one near pair (cat/dog) and clearly different ones. */
export const SET_CATEGORIES = ["cat", "dog", "apple", "car"] as const;
export const IMAGES_PER_CELL = 2;
export const SETS_SEED = 11;
/** Other categories in the sampler's pool (distractors come from the pool too). */
const FILLER = ["tree", "house", "book", "clock"];

function pool(style: Style, wanted: string): Category[] {
  const available = new Map(categoriesFor(style).map((c) => [c.name, c]));
  const names = [wanted, ...FILLER];
  const missing = names.filter((name) => !available.has(name));
  if (missing.length > 0) throw new Error(`${style} cannot draw ${missing.join(", ")}`);
  return names.map((name) => available.get(name)!);
}

export async function writeSampleSets(out: string, sprites = new SpriteCache()): Promise<number> {
  mkdirSync(out, { recursive: true });
  const list: object[] = [];
  const image = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3);
  let cell = 0;
  for (const category of SET_CATEGORIES) {
    const folder = join(out, category);
    mkdirSync(folder, { recursive: true });
    for (const f of readdirSync(folder)) if (/\.(png|json)$/.test(f)) rmSync(join(folder, f));
    const labels: object[] = [];
    for (const style of TRAIN_STYLES) {
      const ctx: SceneContext = {
        styles: [style],
        categories: new Map([[style, pool(style, category)]]),
        sprites,
      };
      const cellSeed = SETS_SEED * 100 + cell++;
      let kept = 0;
      for (let index = 0; kept < IMAGES_PER_CELL; index++) {
        if (index > 1000) throw new Error(`no ${category} scene in ${style} after 1000 tries`);
        const { spec, layers } = sampleSceneWithLayers(ctx, index, sceneSeed(cellSeed, index));
        if (spec.main.category !== category) continue;
        const rendered = renderScene(spec, IMAGE_SIZE, sprites, CATEGORY_BY_NAME, layers);
        toUint8(rendered.rgb, image);
        const file = `${style}-${kept}.png`;
        await writePng(join(folder, file), image, IMAGE_SIZE);
        const { patchCoverage } = buildRecord(spec, rendered);
        labels.push({ file, category, style, patchCoverage });
        list.push({ file: `${category}/${file}`, set: category, category, style });
        kept++;
      }
    }
    writeFileSync(join(folder, "labels.json"), JSON.stringify(labels) + "\n");
  }
  writeFileSync(join(out, "labels.json"), JSON.stringify(list, null, 1) + "\n");
  return list.length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: "string" } }, strict: true });
  const out = resolve(values.out ?? join(ROOT, "public/samples/sets"));
  const count = await writeSampleSets(out);
  process.stderr.write(`sample sets: ${count} images -> ${out}\n`);
}
