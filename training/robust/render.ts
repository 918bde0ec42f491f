/**
 * The robustness set: emoji scenes drawn by a second renderer that
 * shares no drawing code with the training generator (training/data/scene.ts and
 * friends), for measuring whether the model is right on images it did not draw. Never
 * used for training or for choosing a model.
 *
 * What differs from the training generator:
 * - rasteriser: each scene is ONE SVG document (background + every object as a nested
 *   <svg> with an SVG rotate transform) rendered by librsvg/cairo through sharp at 256 px;
 *   the generator rasterises each icon once with resvg and draws it with its own bilinear
 *   mip-pyramid code at 64 px;
 * - resampling: 256 -> 64 px by libvips (sharp `resize`, kernel lanczos3, mitchell, cubic
 *   or linear, drawn per scene), then, for 30% of scenes, a real JPEG round trip
 *   (mozjpeg, quality 55-95);
 * - layout: object size is the icon's viewBox square (45-75% of the side), top-left drawn
 *   uniformly with at most 20% of the square outside the image, rotation +-15 deg, 0-2 distractors
 *   (15-25%) placed in grid cells away from the main object and always behind it; the
 *   position answer is read off the rendered alpha box, and scenes whose box centre is
 *   within 2 px of a third's edge are redrawn;
 * - backgrounds: random HSL colours (not named regions), five families drawn as SVG:
 *   solid, linear gradient at any angle, 60 translucent circles, radial gradient, and
 *   "bokeh" (Gaussian-blurred discs, an SVG filter);
 * - colours: the colour answer uses the documented naming rule only
 *   (training/data/colornames.ts): the name of the most background pixels, counting only
 *   pixels named unambiguously, must cover >= 50% of the rendered 64 px background,
 *   else the background is redrawn.
 *
 * Shared with the generator (on purpose, it is the definition of the task, not the
 * drawing): the icon data (@iconify-json packages via iconify.ts), the category table,
 * the question templates and the colour-name table. Output format: the split format of
 * docs/BUNDLE.md, so training/measure.py reads it (`--robust`).
 *
 *   npx tsx training/robust/render.ts [--count 2000] [--seed 21] [--out training/data/out] [--name robust] [--png]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import sharp from "sharp";
import {
  CATEGORIES,
  CATEGORY_NAMES,
  type Category,
  categoriesFor,
  iconFor,
  MONOCHROME_STYLES,
  type Style,
  TRAIN_STYLES,
} from "../data/categories.ts";
import { AMBIGUITY_MARGIN, MIN_DOMINANT_SHARE, nameColor } from "../data/colornames.ts";
import { iconSvg, resolveIcon } from "../data/iconify.ts";
import { Rng, sceneSeed } from "../data/prng.ts";
import { POSITIONS, QUESTION_TYPES, makeQA } from "../data/questions.ts";
import { SplitWriter } from "../data/writer.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const OUT_SIZE = 64;
export const DRAW_SIZE = 256;
export const GRID = 8;
const KERNELS = ["lanczos3", "mitchell", "cubic", "linear"] as const;
export const BACKGROUND_FAMILIES = ["solid", "linear", "circles", "radial", "bokeh"] as const;
type Family = (typeof BACKGROUND_FAMILIES)[number];
const COLOR_WORDS = (QUESTION_TYPES.find((q) => q.id === "color")?.answers ?? []) as string[];

function hsl(rng: Rng): [number, number, number] {
  return [rng.uniform(0, 360), rng.uniform(0, 100), rng.uniform(5, 95)];
}
const hslCss = ([h, s, l]: [number, number, number], a = 1) =>
  `hsla(${h.toFixed(1)},${s.toFixed(1)}%,${l.toFixed(1)}%,${a.toFixed(3)})`;

/** Background as SVG elements (in a 256 x 256 user space). */
export function backgroundSvg(family: Family, rng: Rng): string {
  const S = DRAW_SIZE;
  const base = hsl(rng);
  switch (family) {
    case "solid":
      return `<rect width="${S}" height="${S}" fill="${hslCss(base)}"/>`;
    case "linear": {
      const a = rng.uniform(0, 2 * Math.PI);
      const [dx, dy] = [Math.cos(a) / 2, Math.sin(a) / 2];
      return (
        `<defs><linearGradient id="bg" x1="${0.5 - dx}" y1="${0.5 - dy}" x2="${0.5 + dx}" y2="${0.5 + dy}">` +
        `<stop offset="0" stop-color="${hslCss(base)}"/><stop offset="1" stop-color="${hslCss(hsl(rng))}"/>` +
        `</linearGradient></defs><rect width="${S}" height="${S}" fill="url(#bg)"/>`
      );
    }
    case "radial":
      return (
        `<defs><radialGradient id="bg" cx="${rng.uniform(0.2, 0.8)}" cy="${rng.uniform(0.2, 0.8)}" r="${rng.uniform(0.4, 0.9)}">` +
        `<stop offset="0" stop-color="${hslCss(base)}"/><stop offset="1" stop-color="${hslCss(hsl(rng))}"/>` +
        `</radialGradient></defs><rect width="${S}" height="${S}" fill="url(#bg)"/>`
      );
    case "circles": {
      let s = `<rect width="${S}" height="${S}" fill="${hslCss(base)}"/>`;
      for (let i = 0; i < 60; i++)
        s += `<circle cx="${rng.uniform(0, S).toFixed(1)}" cy="${rng.uniform(0, S).toFixed(1)}" r="${rng.uniform(4, 40).toFixed(1)}" fill="${hslCss(hsl(rng), rng.uniform(0.1, 0.35))}"/>`;
      return s;
    }
    case "bokeh": {
      let s =
        `<defs><filter id="blur" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${rng.uniform(4, 10).toFixed(1)}"/></filter></defs>` +
        `<rect width="${S}" height="${S}" fill="${hslCss(base)}"/><g filter="url(#blur)">`;
      const n = rng.int(6, 16);
      for (let i = 0; i < n; i++)
        s += `<circle cx="${rng.uniform(0, S).toFixed(1)}" cy="${rng.uniform(0, S).toFixed(1)}" r="${rng.uniform(10, 45).toFixed(1)}" fill="${hslCss(hsl(rng), rng.uniform(0.2, 0.5))}"/>`;
      return s + "</g>";
    }
  }
}

export interface Obj {
  category: string;
  style: Style;
  /** Top-left of the icon's square, side, rotation (deg) about its centre; in 256 px units. */
  x: number;
  y: number;
  side: number;
  rotation: number;
  color?: string;
}

function objectSvg(o: Obj): string {
  const cat = CATEGORIES.find((c) => c.name === o.category) as Category;
  const icon = resolveIcon(o.style, iconFor(cat, o.style));
  if (!icon) throw new Error(`${o.style}: no icon for ${o.category}`);
  const inner = iconSvg(icon, o.side, o.color ?? "#000000").replace(
    `width="${o.side}" height="${o.side}"`,
    `x="${o.x.toFixed(2)}" y="${o.y.toFixed(2)}" width="${o.side.toFixed(2)}" height="${o.side.toFixed(2)}"`,
  );
  const cx = o.x + o.side / 2;
  const cy = o.y + o.side / 2;
  return `<g transform="rotate(${o.rotation.toFixed(2)} ${cx.toFixed(2)} ${cy.toFixed(2)})">${inner}</g>`;
}

function doc(body: string): string {
  const S = DRAW_SIZE;
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${S}" height="${S}" viewBox="0 0 ${S} ${S}">${body}</svg>`;
}

/** Renders an SVG document at 256 px and resamples it to 64 px RGBA (sharp / libvips). */
async function render(svg: string, kernel: (typeof KERNELS)[number]): Promise<Uint8Array> {
  const { data } = await sharp(Buffer.from(svg), { density: 72 })
    .ensureAlpha()
    .resize(OUT_SIZE, OUT_SIZE, { kernel, fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/** [x0, y0, x1, y1) of alpha >= 64/255 (x1, y1 exclusive), or undefined. */
export function alphaBoxRGBA(
  rgba: Uint8Array,
  size: number,
): [number, number, number, number] | undefined {
  let x0 = size;
  let y0 = size;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      if ((rgba[(y * size + x) * 4 + 3] as number) >= 64) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
  return x1 < 0 ? undefined : [x0, y0, x1 + 1, y1 + 1];
}

/** Dominant unambiguous colour name of an RGBA image and its share of all pixels. */
export function backgroundName(rgba: Uint8Array): { name: string; share: number } {
  const counts = new Map<string, number>();
  const n = rgba.length / 4;
  for (let p = 0; p < n; p++) {
    const c = nameColor([
      (rgba[p * 4] as number) / 255,
      (rgba[p * 4 + 1] as number) / 255,
      (rgba[p * 4 + 2] as number) / 255,
    ]);
    if (c.margin >= AMBIGUITY_MARGIN) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  }
  let name = "";
  let best = 0;
  for (const [k, v] of counts)
    if (v > best) {
      best = v;
      name = k;
    }
  return { name, share: best / n };
}

const meanLuma = (rgba: Uint8Array) => {
  let s = 0;
  for (let p = 0; p < rgba.length; p += 4)
    s +=
      0.299 * (rgba[p] as number) +
      0.587 * (rgba[p + 1] as number) +
      0.114 * (rgba[p + 2] as number);
  return s / (rgba.length / 4) / 255;
};

function tintFor(rng: Rng, bgLuma: number): string {
  const dark = bgLuma > 0.5;
  return hslCss([
    rng.uniform(0, 360),
    rng.uniform(0, 90),
    dark ? rng.uniform(5, 30) : rng.uniform(75, 95),
  ]);
}

export interface RobustRecord {
  index: number;
  seed: number;
  category: string;
  style: Style;
  box: [number, number, number, number];
  rotation: number;
  scale: number;
  background: { kind: Family; color: string; share: number };
  distractors: {
    category: string;
    style: Style;
    box: [number, number, number, number];
    front: false;
  }[];
  patchCoverage: number[];
  qa: ReturnType<typeof makeQA>;
  render: { kernel: string; jpeg?: number };
}

/** A background, redrawn until its colour has a clear name. */
async function drawBackground(rng: Rng, kernel: (typeof KERNELS)[number], index: number) {
  for (let attempt = 0; ; attempt++) {
    const family = rng.pick(BACKGROUND_FAMILIES);
    const bgSvg = backgroundSvg(family, rng);
    const bgRGBA = await render(doc(bgSvg), kernel);
    const bg = backgroundName(bgRGBA);
    if (bg.share >= MIN_DOMINANT_SHARE && COLOR_WORDS.includes(bg.name))
      return { family, bgSvg, bg, bgRGBA };
    if (attempt > 200) throw new Error(`scene ${index}: no nameable background`);
  }
}

/** Draws scene `index`: RGB bytes (64 x 64 x 3) and its record. */
export async function robustScene(
  splitSeed: number,
  index: number,
): Promise<{ rgb: Uint8Array; record: RobustRecord }> {
  const seed = sceneSeed(splitSeed, index);
  const rng = new Rng(seed);
  const S = DRAW_SIZE;
  const style = TRAIN_STYLES[index % TRAIN_STYLES.length] as Style;
  const pool = categoriesFor(style);
  const kernel = rng.pick(KERNELS);
  const { family, bgSvg, bg, bgRGBA } = await drawBackground(rng, kernel, index);
  const mono = MONOCHROME_STYLES.has(style);
  const bgLuma = meanLuma(bgRGBA);
  for (let attempt = 0; ; attempt++) {
    const mainCat = rng.pick(pool);
    const side = rng.uniform(0.45, 0.75) * S;
    const main: Obj = {
      category: mainCat.name,
      style,
      // the icon square may overhang the image by up to 20% of its side
      x: rng.uniform(-0.2 * side, S - 0.8 * side),
      y: rng.uniform(-0.2 * side, S - 0.8 * side),
      side,
      rotation: rng.uniform(-15, 15),
    };
    if (mono) main.color = tintFor(rng, bgLuma);
    const mainRGBA = await render(doc(objectSvg(main)), kernel);
    const box = alphaBoxRGBA(mainRGBA, OUT_SIZE);
    if (!box) continue;
    const cx = (box[0] + box[2]) / 2;
    if (Math.abs(cx - OUT_SIZE / 3) < 2 || Math.abs(cx - (2 * OUT_SIZE) / 3) < 2) {
      if (attempt < 50) continue;
    }
    // distractors: 0-2, in 4x4 grid cells whose centres are outside the main object's box
    const cells: [number, number][] = [];
    for (let gy = 0; gy < 4; gy++)
      for (let gx = 0; gx < 4; gx++) {
        const px = ((gx + 0.5) * OUT_SIZE) / 4;
        const py = ((gy + 0.5) * OUT_SIZE) / 4;
        if (px < box[0] - 2 || px > box[2] + 2 || py < box[1] - 2 || py > box[3] + 2)
          cells.push([gx, gy]);
      }
    const nd = Math.min(rng.int(0, 2), cells.length);
    const used = new Set([mainCat.name]);
    const distractors: Obj[] = [];
    for (let d = 0; d < nd; d++) {
      const k = rng.int(0, cells.length - 1);
      const [gx, gy] = cells.splice(k, 1)[0] as [number, number];
      const dside = rng.uniform(0.15, 0.25) * S;
      const others = pool.filter((c) => !used.has(c.name));
      const dc = rng.pick(others);
      used.add(dc.name);
      const o: Obj = {
        category: dc.name,
        style,
        x: ((gx + 0.5) * S) / 4 - dside / 2 + rng.uniform(-8, 8),
        y: ((gy + 0.5) * S) / 4 - dside / 2 + rng.uniform(-8, 8),
        side: dside,
        rotation: rng.uniform(-25, 25),
      };
      if (mono) o.color = tintFor(rng, bgLuma);
      distractors.push(o);
    }
    const dRecords: RobustRecord["distractors"] = [];
    for (const o of distractors) {
      const dBox = alphaBoxRGBA(await render(doc(objectSvg(o)), kernel), OUT_SIZE);
      if (dBox) dRecords.push({ category: o.category, style, box: dBox, front: false });
    }
    const kept = distractors.filter((o) => dRecords.some((r) => r.category === o.category));
    // the scene: background, distractors (behind), main object
    const svg = doc(bgSvg + kept.map(objectSvg).join("") + objectSvg(main));
    let img = sharp(Buffer.from(svg), { density: 72 })
      .resize(OUT_SIZE, OUT_SIZE, { kernel, fit: "fill" })
      .removeAlpha();
    const render_: RobustRecord["render"] = { kernel };
    if (rng.chance(0.3)) {
      render_.jpeg = rng.int(55, 95);
      const jpg = await img.jpeg({ quality: render_.jpeg, mozjpeg: true }).toBuffer();
      img = sharp(jpg).removeAlpha();
    }
    const raw = await img.raw().toBuffer();
    const rgb = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
    if (rgb.length !== OUT_SIZE * OUT_SIZE * 3)
      throw new Error(`scene ${index}: got ${rgb.length} bytes`);
    // main object coverage per patch (it is drawn last, so nothing occludes it)
    const patch = OUT_SIZE / GRID;
    const cov = new Array<number>(GRID * GRID).fill(0);
    for (let y = 0; y < OUT_SIZE; y++)
      for (let x = 0; x < OUT_SIZE; x++) {
        const k = Math.floor(y / patch) * GRID + Math.floor(x / patch);
        cov[k] =
          (cov[k] as number) +
          (mainRGBA[(y * OUT_SIZE + x) * 4 + 3] as number) / 255 / (patch * patch);
      }
    const present = rng.chance(0.5);
    const existsCategory = present
      ? dRecords.length && rng.chance(0.5)
        ? (rng.pick(dRecords).category as string)
        : mainCat.name
      : rng.pick(pool.filter((c) => !used.has(c.name))).name;
    const record: RobustRecord = {
      index,
      seed,
      category: mainCat.name,
      style,
      box,
      rotation: Math.round(main.rotation * 100) / 100,
      scale: Math.round((side / S) * 1e4) / 1e4,
      background: { kind: family, color: bg.name, share: Math.round(bg.share * 1000) / 1000 },
      distractors: dRecords,
      patchCoverage: cov.map((c) => Math.round(c * 1000) / 1000),
      qa: makeQA({
        category: mainCat.name,
        backgroundColor: bg.name,
        box,
        size: OUT_SIZE,
        existsCategory,
        existsPresent: present,
      }),
      render: render_,
    };
    return { rgb, record };
  }
}

export async function writeRobustSplit(dir: string, seed: number, count: number, png = false) {
  const writer = new SplitWriter(dir, OUT_SIZE * OUT_SIZE * 3);
  if (png) mkdirSync(join(dir, "png"), { recursive: true });
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const { rgb, record } = await robustScene(seed, i);
    writer.nextImage().set(rgb);
    writer.add(record);
    if (png)
      await sharp(Buffer.from(rgb), { raw: { width: OUT_SIZE, height: OUT_SIZE, channels: 3 } })
        .png()
        .toFile(join(dir, "png", `${String(i).padStart(4, "0")}.png`));
    if ((i + 1) % 200 === 0)
      process.stderr.write(
        `  robust: ${i + 1}/${count} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
      );
  }
  writer.finish({
    schema: "headflow.emoji-scenes/1",
    split: "robust",
    renderer:
      "training/robust/render.ts (SVG scene -> librsvg via sharp at 256 px -> libvips resize to 64 px)",
    seed,
    count,
    size: OUT_SIZE,
    channels: 3,
    dtype: "uint8",
    layout: "NHWC",
    grid: [GRID, GRID],
    patchSize: OUT_SIZE / GRID,
    categories: CATEGORY_NAMES,
    styles: TRAIN_STYLES,
    questions: QUESTION_TYPES.map((q) => ({
      id: q.id,
      template: q.template,
      answers: q.answers === "categories" ? "categories" : [...q.answers],
    })),
    colors: COLOR_WORDS,
    positions: POSITIONS,
    backgroundKinds: BACKGROUND_FAMILIES,
    sharp: sharp.versions,
  });
  return (performance.now() - t0) / 1000;
}

async function main() {
  const { values } = parseArgs({
    options: {
      count: { type: "string", default: "2000" },
      seed: { type: "string", default: "21" },
      out: { type: "string", default: join(ROOT, "training/data/out") },
      name: { type: "string", default: "robust" },
      png: { type: "boolean", default: false },
    },
    strict: true,
  });
  const dir = join(resolve(values.out), values.name);
  const s = await writeRobustSplit(dir, Number(values.seed), Number(values.count), values.png);
  process.stderr.write(`robust: ${values.count} scenes -> ${dir} in ${s.toFixed(1)} s\n`);
  writeFileSync(
    join(dir, "COMMAND"),
    `npx tsx training/robust/render.ts --count ${values.count} --seed ${values.seed} --name ${values.name}\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
