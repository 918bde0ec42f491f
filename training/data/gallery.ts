/**
 * The app's sample gallery (public/samples/, committed): a few scenes per training
 * style as the model sees them (64 px PNG), the same scenes drawn at display size (256 px
 * WebP, lossy to keep the committed files small), and samples.json with their metadata.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TRAIN_STYLES } from "./categories.ts";
import { toUint8 } from "./composite.ts";
import { writePng, writeWebp } from "./png.ts";
import { sceneSeed } from "./prng.ts";
import { buildRecord } from "./record.ts";
import { GRID, IMAGE_SIZE, renderScene, sampleSceneWithLayers } from "./scene.ts";
import { CATEGORY_BY_NAME, makeContext } from "./split.ts";
import { SpriteCache } from "./sprites.ts";

export const GALLERY_SEED = 5;
export const GALLERY_PER_STYLE = 3;
export const DISPLAY_SIZE = 256;

export async function writeGallery(dir: string, sprites = new SpriteCache()): Promise<number> {
  mkdirSync(dir, { recursive: true });
  // Only this generator's files: anything else in the folder is left alone.
  for (const f of readdirSync(dir)) {
    if (/^(sample-\d+\.(png|webp)|samples\.json)$/.test(f)) rmSync(join(dir, f));
  }
  const ctx = makeContext(TRAIN_STYLES, sprites);
  const display = new SpriteCache(DISPLAY_SIZE);
  const samples: object[] = [];
  const count = GALLERY_PER_STYLE * TRAIN_STYLES.length;
  const image = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3);
  const big = new Uint8Array(DISPLAY_SIZE * DISPLAY_SIZE * 3);
  for (let index = 0; index < count; index++) {
    const { spec, layers } = sampleSceneWithLayers(ctx, index, sceneSeed(GALLERY_SEED, index));
    const rendered = renderScene(spec, IMAGE_SIZE, sprites, CATEGORY_BY_NAME, layers);
    toUint8(rendered.rgb, image);
    const record = buildRecord(spec, rendered);
    const name = `sample-${String(index).padStart(2, "0")}`;
    await writePng(join(dir, `${name}.png`), image, IMAGE_SIZE);
    toUint8(renderScene(spec, DISPLAY_SIZE, display, CATEGORY_BY_NAME).rgb, big);
    await writeWebp(join(dir, `${name}.webp`), big, DISPLAY_SIZE);
    samples.push({
      file: `${name}.png`,
      display: `${name}.webp`,
      size: IMAGE_SIZE,
      displaySize: DISPLAY_SIZE,
      grid: [GRID, GRID],
      ...record,
    });
  }
  // A plain array: the format src/store/samples-store.ts reads (extra fields allowed).
  // One sample per line keeps the committed file small and its diffs readable.
  writeFileSync(
    join(dir, "samples.json"),
    "[\n" + samples.map((x) => "  " + JSON.stringify(x)).join(",\n") + "\n]\n",
  );
  return count;
}
