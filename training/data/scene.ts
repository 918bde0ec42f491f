/**
 * Scene layout: sampling a scene (background, main object, distractors, exists query)
 * from a per-scene RNG, and rendering a sampled scene at any size.
 *
 * Layout is decided at the data-set size (64 px) by drawing candidate objects into their
 * own layers and measuring them (boxes, occlusion), so the constraints below hold on the
 * actual pixels rather than on approximations:
 *  - the main object's visible box centre falls in the third (left/middle/right) drawn
 *    uniformly for the scene, at least POSITION_MARGIN px away from a third's edge;
 *  - objects stay mostly inside the image (at most MAX_OVERHANG of a side outside);
 *  - distractors are smaller than the main object and stay >= 60% visible; at most 15%
 *    of the main object is hidden by distractors drawn in front of it;
 *  - no object is drawn in colours that mostly match the background.
 */
import { renderBackground, sampleBackground, type BackgroundSpec } from "./backgrounds.ts";
import { type Category, MONOCHROME_STYLES, type Style } from "./categories.ts";
import { compositeOver, drawSprite, layerBox, newLayer, type Placement } from "./composite.ts";
import { COLOR_NAMES, hsvToRgb, luma, type RGB, rgbToHsv } from "./palette.ts";
import { Rng } from "./prng.ts";
import { POSITIONS } from "./questions.ts";
import type { Sprite, SpriteCache } from "./sprites.ts";

export const IMAGE_SIZE = 64;
export const GRID = 8;

export const MAIN_EXTENT: [number, number] = [0.35, 0.8];
export const DISTRACTOR_EXTENT: [number, number] = [0.18, 0.3];
/** A distractor's extent is also at most this fraction of the main object's. */
const DISTRACTOR_RELATIVE = 0.65;
export const MAIN_ROTATION = 20;
const DISTRACTOR_ROTATION = 25;
const MAX_OVERHANG = 0.15;
const POSITION_MARGIN = 1.5;
const MIN_DISTRACTOR_VISIBLE = 0.6;
const MIN_MAIN_VISIBLE = 0.85;
const FRONT_PROBABILITY = 0.25;
/** Alpha threshold of box measurement. */
export const BOX_ALPHA = 0.25;

export type Box = [number, number, number, number];

export interface ObjectSpec {
  category: string;
  style: Style;
  placement: Placement;
  /** Colour of monochrome sprites (undefined for coloured sets). */
  tint?: RGB;
  /** Colour jitter (domain-randomised data only): see `jitterLayer`. */
  jitter?: Jitter;
  /** Drawn in front of the main object (distractors only). */
  front?: boolean;
}

export interface SceneSpec {
  index: number;
  seed: number;
  style: Style;
  background: BackgroundSpec;
  main: ObjectSpec;
  distractors: ObjectSpec[];
  exists: { category: string; present: boolean };
}

/** Hue rotation (degrees), saturation and value factors applied to an object's colours. */
export type Jitter = [number, number, number];

/**
 * How a scene is laid out. The default reproduces the original data exactly (same random
 * draws in the same order); the domain-randomised variant (randomise.ts) widens the ranges,
 * samples backgrounds from the whole colour space and jitters object colours.
 */
export interface LayoutVariant {
  mainExtent: [number, number];
  mainRotation: number;
  distractorExtent: [number, number];
  distractorRotation: number;
  maxDistractors: number;
  /** Times a main object too large for an outer third shrinks by 8% before it is placed anyway. */
  shrinkAttempts: number;
  sampleBackground: (rng: Rng, color?: string) => BackgroundSpec;
  /** Colour jitter of a coloured (non-monochrome) object, or undefined for none. */
  jitter?: (rng: Rng) => Jitter | undefined;
}

export const DEFAULT_LAYOUT: LayoutVariant = {
  mainExtent: MAIN_EXTENT,
  mainRotation: MAIN_ROTATION,
  distractorExtent: DISTRACTOR_EXTENT,
  distractorRotation: DISTRACTOR_ROTATION,
  maxDistractors: 3,
  shrinkAttempts: 8,
  sampleBackground,
};

/**
 * Applies `jitter` to a premultiplied RGBA layer in place: each pixel's colour is
 * un-premultiplied, rotated in hue, its saturation and value scaled (clamped), and
 * premultiplied again. Alpha is unchanged, so boxes and coverage are too.
 */
export function jitterLayer(layer: Float32Array, [dh, ks, kv]: Jitter): void {
  for (let p = 0; p < layer.length; p += 4) {
    const a = layer[p + 3] as number;
    if (a <= 1e-6) continue;
    const [h, s, v] = rgbToHsv([
      (layer[p] as number) / a,
      (layer[p + 1] as number) / a,
      (layer[p + 2] as number) / a,
    ]);
    const [r, g, b] = hsvToRgb(h + dh, Math.min(1, s * ks), Math.min(1, v * kv));
    layer[p] = r * a;
    layer[p + 1] = g * a;
    layer[p + 2] = b * a;
  }
}

export interface SceneContext {
  styles: readonly Style[];
  /** Categories each style may draw (all categories for the training styles). */
  categories: ReadonlyMap<Style, readonly Category[]>;
  sprites: SpriteCache;
}

/** Fraction of a sprite's sampled colours within `radius` (RGB distance) of any of `colors`. */
export function similarFraction(sprite: Sprite, colors: readonly RGB[], radius = 0.2): number {
  const s = sprite.colorSamples;
  const n = s.length / 3;
  if (n === 0) return 0;
  let similar = 0;
  for (let k = 0; k < n; k++) {
    for (const c of colors) {
      const dr = (s[k * 3] as number) - c[0];
      const dg = (s[k * 3 + 1] as number) - c[1];
      const db = (s[k * 3 + 2] as number) - c[2];
      if (dr * dr + dg * dg + db * db < radius * radius) {
        similar++;
        break;
      }
    }
  }
  return similar / n;
}

/**
 * A tint for a monochrome sprite that contrasts with the background: dark on light
 * backgrounds, light on dark ones, by at least 0.35 in luma, in a random hue.
 */
export function contrastingTint(background: BackgroundSpec, rng: Rng): RGB {
  const [first, second] = [luma(background.rgb), luma(background.rgb2)];
  const lo = Math.min(first, second);
  const hi = Math.max(first, second);
  const dark = hi > 0.5;
  for (let attempt = 0; attempt < 24; attempt++) {
    const tint = hsvToRgb(
      rng.uniform(0, 360),
      rng.uniform(0, 0.9),
      dark ? rng.uniform(0, 0.45) : rng.uniform(0.8, 1),
    );
    const y = luma(tint);
    if (dark ? y <= lo - 0.35 : y >= hi + 0.35) return tint;
  }
  return dark ? [0, 0, 0] : [1, 1, 1];
}

/** Sprite colours (or the tint) are distinct enough from the background. */
function visibleOn(sprite: Sprite, background: BackgroundSpec): boolean {
  return sprite.monochrome || similarFraction(sprite, [background.rgb, background.rgb2]) <= 0.5;
}

/** Fraction of layer k's alpha left visible by the layers above it (later in `stack`). */
export function visibleFraction(stack: readonly Float32Array[], k: number, size: number): number {
  const layer = stack[k] as Float32Array;
  let total = 0;
  let visible = 0;
  for (let p = 0; p < size * size; p++) {
    const a = layer[p * 4 + 3] as number;
    if (a <= 0) continue;
    let t = a;
    for (let j = k + 1; j < stack.length; j++)
      t *= 1 - ((stack[j] as Float32Array)[p * 4 + 3] as number);
    total += a;
    visible += t;
  }
  return total > 0 ? visible / total : 0;
}

/** Box [x0, x1) after shifting by t and clipping to the image: its centre. */
function clippedCentre(a: number, b: number, t: number, size: number): number {
  return (Math.max(0, a + t) + Math.min(size, b + t)) / 2;
}

/** Translation range keeping [a, b) mostly inside [0, size). */
function translationRange(a: number, b: number, size: number): [number, number] {
  const over = MAX_OVERHANG * (b - a);
  return [-over - a, size + over - b];
}

/**
 * Places the main object: extent, rotation, vertical position, and a horizontal
 * position whose clipped box centre lies inside the wanted third. Large rotated objects
 * cannot reach the outer thirds while staying mostly inside; they shrink until they can.
 */
function placeMain(
  sprite: Sprite,
  rng: Rng,
  wanted: number,
  size: number,
  layer: Float32Array,
  tint: RGB | undefined,
  variant: LayoutVariant = DEFAULT_LAYOUT,
): Placement {
  const minExtent = variant.mainExtent[0];
  let extent = rng.uniform(...variant.mainExtent);
  const rotation = rng.uniform(-variant.mainRotation, variant.mainRotation);
  const third = size / 3;
  const lo = wanted * third + POSITION_MARGIN;
  const hi = (wanted + 1) * third - POSITION_MARGIN;
  for (let attempt = 0; ; attempt++) {
    const probe: Placement = { cx: 0.5, cy: 0.5, extent, rotation };
    drawSprite(sprite, probe, size, layer, tint);
    const box = layerBox(layer, size, BOX_ALPHA);
    if (!box) throw new Error(`${sprite.style}/${sprite.category}: main object draws empty`);
    const [tx0, tx1] = translationRange(box[0], box[2], size);
    const cMin = clippedCentre(box[0], box[2], tx0, size);
    const cMax = clippedCentre(box[0], box[2], tx1, size);
    const tLo = Math.max(lo, cMin);
    const tHi = Math.min(hi, cMax);
    if (tLo > tHi && attempt < variant.shrinkAttempts && extent > minExtent) {
      extent = Math.max(minExtent, extent * 0.92);
      continue;
    }
    // Target clipped centre; c(t) is monotone, so bisection finds the translation.
    const target =
      tLo <= tHi ? rng.uniform(tLo, tHi) : Math.min(Math.max((lo + hi) / 2, cMin), cMax);
    let a = tx0;
    let b = tx1;
    for (let i = 0; i < 40; i++) {
      const m = (a + b) / 2;
      if (clippedCentre(box[0], box[2], m, size) < target) a = m;
      else b = m;
    }
    const [ty0, ty1] = translationRange(box[1], box[3], size);
    const ty = rng.uniform(ty0, ty1);
    return { cx: 0.5 + (a + b) / 2 / size, cy: 0.5 + ty / size, extent, rotation };
  }
}

function pickOther(pool: readonly Category[], exclude: ReadonlySet<string>, rng: Rng): Category {
  const options = pool.filter((c) => !exclude.has(c.name));
  return rng.pick(options);
}

/** Object layers drawn at IMAGE_SIZE while sampling, reusable for the 64 px rendering. */
export interface SceneLayers {
  main: Float32Array;
  /** In `SceneSpec.distractors` order. */
  distractors: Float32Array[];
}

/** Samples scene `index` of a split (all randomness from `seed`). */
export function sampleScene(ctx: SceneContext, index: number, seed: number): SceneSpec {
  return sampleSceneWithLayers(ctx, index, seed).spec;
}

/** `sampleScene`, also returning the object layers it drew at IMAGE_SIZE. */
export function sampleSceneWithLayers(
  ctx: SceneContext,
  index: number,
  seed: number,
  variant: LayoutVariant = DEFAULT_LAYOUT,
): { spec: SceneSpec; layers: SceneLayers } {
  const size = IMAGE_SIZE;
  const rng = new Rng(seed);
  // Styles take turns, so every split is balanced over its styles.
  const style = ctx.styles[index % ctx.styles.length] as Style;
  const pool = ctx.categories.get(style);
  if (!pool || pool.length < 5) throw new Error(`${style}: too few categories`);
  const monochrome = MONOCHROME_STYLES.has(style);

  const mainCategory = rng.pick(pool);
  const mainSprite = ctx.sprites.get(mainCategory, style);
  let background = variant.sampleBackground(rng);
  for (let attempt = 0; attempt < 12 && !visibleOn(mainSprite, background); attempt++) {
    background = variant.sampleBackground(
      rng,
      rng.pick(COLOR_NAMES.filter((c) => c !== background.color)),
    );
  }
  const tintFor = () => (monochrome ? contrastingTint(background, rng) : undefined);

  const mainLayer = newLayer(size);
  const mainTint = tintFor();
  const wanted = rng.int(0, POSITIONS.length - 1);
  const mainPlacement = placeMain(mainSprite, rng, wanted, size, mainLayer, mainTint, variant);
  drawSprite(mainSprite, mainPlacement, size, mainLayer, mainTint);
  const main: ObjectSpec = { category: mainCategory.name, style, placement: mainPlacement };
  if (mainTint) main.tint = mainTint;
  const mainJitter = !monochrome && variant.jitter ? variant.jitter(rng) : undefined;
  if (mainJitter) {
    main.jitter = mainJitter;
    jitterLayer(mainLayer, mainJitter);
  }

  // Distractors: rejection-sampled against the visibility constraints.
  const accepted: { spec: ObjectSpec; layer: Float32Array }[] = [];
  const behind: Float32Array[] = [];
  const front: Float32Array[] = [];
  const used = new Set([mainCategory.name]);
  const count = rng.int(0, variant.maxDistractors);
  for (let d = 0; d < count; d++) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const category = pickOther(pool, used, rng);
      const sprite = ctx.sprites.get(category, style);
      const [dLo, dHi] = variant.distractorExtent;
      const maxExtent = Math.min(dHi, DISTRACTOR_RELATIVE * mainPlacement.extent);
      const extent = rng.uniform(dLo, Math.max(dLo, maxExtent));
      const margin = extent * (0.5 - MAX_OVERHANG);
      const placement: Placement = {
        cx: rng.uniform(margin, 1 - margin),
        cy: rng.uniform(margin, 1 - margin),
        extent,
        rotation: rng.uniform(-variant.distractorRotation, variant.distractorRotation),
      };
      const isFront = rng.chance(FRONT_PROBABILITY);
      const tint = tintFor();
      const jitter = !monochrome && variant.jitter ? variant.jitter(rng) : undefined;
      if (!visibleOn(sprite, background)) continue;
      const layer = newLayer(size);
      drawSprite(sprite, placement, size, layer, tint);
      if (jitter) jitterLayer(layer, jitter);
      if (!layerBox(layer, size, BOX_ALPHA)) continue;
      const nextBehind = isFront ? behind : [...behind, layer];
      const nextFront = isFront ? [...front, layer] : front;
      const stack = [...nextBehind, mainLayer, ...nextFront];
      const mainK = nextBehind.length;
      let ok = visibleFraction(stack, mainK, size) >= MIN_MAIN_VISIBLE;
      for (let k = 0; ok && k < stack.length; k++) {
        if (k !== mainK && visibleFraction(stack, k, size) < MIN_DISTRACTOR_VISIBLE) ok = false;
      }
      if (!ok) continue;
      if (isFront) front.push(layer);
      else behind.push(layer);
      const spec: ObjectSpec = { category: category.name, style, placement, front: isFront };
      if (tint) spec.tint = tint;
      if (jitter) spec.jitter = jitter;
      accepted.push({ spec, layer });
      used.add(category.name);
      break;
    }
  }

  // Distractors keep their sampling order within each depth group (stable sort).
  accepted.sort((a, b) => Number(a.spec.front ?? false) - Number(b.spec.front ?? false));
  const distractors = accepted.map((d) => d.spec);

  // Exists question: half about an object in the scene (main or distractor), half not.
  let exists: SceneSpec["exists"];
  if (rng.chance(0.5)) {
    const present = distractors.length === 0 || rng.chance(0.5) ? main : rng.pick(distractors);
    exists = { category: present.category, present: true };
  } else {
    exists = { category: pickOther(pool, used, rng).name, present: false };
  }
  return {
    spec: { index, seed, style, background, main, distractors, exists },
    layers: { main: mainLayer, distractors: accepted.map((d) => d.layer) },
  };
}

export interface RenderedScene {
  /** RGB floats 0..1, size*size*3. */
  rgb: Float32Array;
  /** Main object's unoccluded alpha, size*size. */
  mainAlpha: Float32Array;
  /** Main object's alpha after occlusion by distractors drawn in front of it. */
  mainVisible: Float32Array;
  /** Per distractor (spec order): unoccluded alpha layers, for boxes. */
  distractorAlpha: Float32Array[];
}

function alphaOf(layer: Float32Array, size: number): Float32Array {
  const a = new Float32Array(size * size);
  for (let p = 0; p < a.length; p++) a[p] = layer[p * 4 + 3] as number;
  return a;
}

/**
 * Renders a sampled scene at `size` px (64 for the data set, larger for display).
 * `layers` (from sampleSceneWithLayers, at IMAGE_SIZE) saves redrawing the objects.
 */
export function renderScene(
  spec: SceneSpec,
  size: number,
  sprites: SpriteCache,
  categories: ReadonlyMap<string, Category>,
  layers?: SceneLayers,
): RenderedScene {
  const rgb = new Float32Array(size * size * 3);
  renderBackground(spec.background, size, rgb);
  const draw = (obj: ObjectSpec) => {
    const category = categories.get(obj.category);
    if (!category) throw new Error(`unknown category ${obj.category}`);
    const layer = newLayer(size);
    drawSprite(sprites.get(category, obj.style), obj.placement, size, layer, obj.tint);
    if (obj.jitter) jitterLayer(layer, obj.jitter);
    return layer;
  };
  const reuse = layers && size === IMAGE_SIZE;
  const distractorLayers = reuse ? layers.distractors : spec.distractors.map(draw);
  const mainLayer = reuse ? layers.main : draw(spec.main);
  spec.distractors.forEach((d, i) => {
    if (!d.front) compositeOver(rgb, distractorLayers[i] as Float32Array, size);
  });
  compositeOver(rgb, mainLayer, size);
  const mainAlpha = alphaOf(mainLayer, size);
  const mainVisible = Float32Array.from(mainAlpha);
  spec.distractors.forEach((d, i) => {
    const layer = distractorLayers[i] as Float32Array;
    if (!d.front) return;
    compositeOver(rgb, layer, size);
    for (let p = 0; p < mainVisible.length; p++)
      mainVisible[p] = (mainVisible[p] as number) * (1 - (layer[p * 4 + 3] as number));
  });
  return {
    rgb,
    mainAlpha,
    mainVisible,
    distractorAlpha: distractorLayers.map((l) => alphaOf(l, size)),
  };
}

/** Mean of `alpha` over each patch of a grid x grid tiling, row-major. */
export function patchCoverage(alpha: Float32Array, size: number, grid: number): number[] {
  const patch = size / grid;
  const out = new Array<number>(grid * grid).fill(0);
  for (let y = 0; y < size; y++) {
    const row = Math.floor(y / patch) * grid;
    for (let x = 0; x < size; x++) {
      const k = row + Math.floor(x / patch);
      out[k] = (out[k] as number) + (alpha[y * size + x] as number);
    }
  }
  return out.map((s) => s / (patch * patch));
}

/** Box [x0, y0, x1, y1) of alpha >= threshold (x1, y1 exclusive), or undefined if empty. */
export function alphaBox(
  alpha: Float32Array,
  size: number,
  threshold = BOX_ALPHA,
): Box | undefined {
  let x0 = size;
  let y0 = size;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if ((alpha[y * size + x] as number) >= threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? undefined : [x0, y0, x1 + 1, y1 + 1];
}
