/**
 * SmolVLM-256M-Instruct's geometry, the table `npm run bench -- --real-scale` generates a
 * random-weight model from (scripts/fixtures/make-real-scale-smolvlm.py holds the same
 * numbers, with their sources) and checks the loaded model against. Pure.
 */

export interface RealScaleGeometry {
  text: {
    hidden: number;
    layers: number;
    heads: number;
    kvHeads: number;
    headDim: number;
    intermediate: number;
    vocab: number;
    ropeTheta: number;
    maxPositions: number;
  };
  vision: {
    hidden: number;
    layers: number;
    heads: number;
    intermediate: number;
    image: number;
    patch: number;
  };
  /** Idefics3's pixel shuffle: (image / patch)^2 / scale^2 tokens per tile. */
  scaleFactor: number;
  /** The processor's `size.longest_edge`: the explorer's square input side. */
  longestEdge: number;
}

/** SmolLM2-135M text decoder, SigLIP base-patch16-512 vision tower (sources: the script). */
export const SMOLVLM_256M: RealScaleGeometry = {
  text: {
    hidden: 576,
    layers: 30,
    heads: 9,
    kvHeads: 3,
    headDim: 64,
    intermediate: 1536,
    vocab: 49280,
    ropeTheta: 100000,
    maxPositions: 8192,
  },
  vision: { hidden: 768, layers: 12, heads: 12, intermediate: 3072, image: 512, patch: 16 },
  scaleFactor: 4,
  longestEdge: 2048,
};

/** Image tokens per tile, tiles of a square image at the longest edge, and their product. */
export function imageLayout(g: RealScaleGeometry): {
  tokensPerTile: number;
  tiles: number;
  imageTokens: number;
} {
  const grid = g.vision.image / g.vision.patch;
  const tokensPerTile = (grid * grid) / (g.scaleFactor * g.scaleFactor);
  const side = Math.ceil(g.longestEdge / g.vision.image);
  // Idefics3 splits an image larger than one tile into side x side tiles plus the global view.
  const tiles = side > 1 ? side * side + 1 : 1;
  return { tokensPerTile, tiles, imageTokens: tiles * tokensPerTile };
}

/** The loaded model's numbers HeadFlow reads (ThirdPartyManifest's fields). */
export interface LoadedGeometry {
  layers: number;
  queryHeads: number;
  kvHeads: number;
  headDim: number;
  hiddenSize: number;
  vocabSize: number;
  inputSize: number;
  tokenGrid: [number, number];
}

/** What differs between the table and a loaded model, one line each (empty: all agree). */
export function geometryMismatches(g: RealScaleGeometry, loaded: LoadedGeometry): string[] {
  const side = Math.sqrt(imageLayout(g).tokensPerTile);
  const expected: [string, number, number][] = [
    ["layers", g.text.layers, loaded.layers],
    ["query heads", g.text.heads, loaded.queryHeads],
    ["key/value heads", g.text.kvHeads, loaded.kvHeads],
    ["head size", g.text.headDim, loaded.headDim],
    ["hidden size", g.text.hidden, loaded.hiddenSize],
    ["vocabulary", g.text.vocab, loaded.vocabSize],
    ["input side", g.longestEdge, loaded.inputSize],
    ["image token rows per tile", side, loaded.tokenGrid[0]],
    ["image token columns per tile", side, loaded.tokenGrid[1]],
  ];
  return expected
    .filter(([, want, got]) => want !== got)
    .map(([name, want, got]) => `${name}: SmolVLM-256M has ${want}, the model ${got}`);
}

/**
 * The generator's own record (generated.json, snake_case as Python writes it) against the
 * table: the two copies of the numbers cannot drift apart silently.
 */
export function generatedMismatches(g: RealScaleGeometry, record: unknown): string[] {
  const r = record as {
    text?: Record<string, unknown>;
    vision?: Record<string, unknown>;
    scale_factor?: unknown;
    longest_edge?: unknown;
  };
  const pairs: [string, number, unknown][] = [
    ["text.hidden", g.text.hidden, r.text?.["hidden"]],
    ["text.layers", g.text.layers, r.text?.["layers"]],
    ["text.heads", g.text.heads, r.text?.["heads"]],
    ["text.kv_heads", g.text.kvHeads, r.text?.["kv_heads"]],
    ["text.head_dim", g.text.headDim, r.text?.["head_dim"]],
    ["text.intermediate", g.text.intermediate, r.text?.["intermediate"]],
    ["text.vocab", g.text.vocab, r.text?.["vocab"]],
    ["text.rope_theta", g.text.ropeTheta, r.text?.["rope_theta"]],
    ["text.max_positions", g.text.maxPositions, r.text?.["max_positions"]],
    ["vision.hidden", g.vision.hidden, r.vision?.["hidden"]],
    ["vision.layers", g.vision.layers, r.vision?.["layers"]],
    ["vision.heads", g.vision.heads, r.vision?.["heads"]],
    ["vision.intermediate", g.vision.intermediate, r.vision?.["intermediate"]],
    ["vision.image", g.vision.image, r.vision?.["image"]],
    ["vision.patch", g.vision.patch, r.vision?.["patch"]],
    ["scale_factor", g.scaleFactor, r.scale_factor],
    ["longest_edge", g.longestEdge, r.longest_edge],
  ];
  return pairs
    .filter(([, want, got]) => want !== got)
    .map(([name, want, got]) => `${name}: table ${want}, generated ${String(got)}`);
}

export const REAL_SCALE_DIR = ".cache/real-scale/smolvlm-256m-random";
export const REAL_SCALE_OUT = "docs/measurements/real-scale.json";

export interface RealScaleOptions {
  /** The generated export (made when absent). */
  dir: string;
  out: string;
  node: boolean;
  browser: boolean;
  /** Minutes the browser part may take before it is stopped and recorded as far as it got. */
  browserMinutes: number;
}

/**
 * `--real-scale` with `--real-scale-dir DIR`, `--out FILE`, `--real-scale-only node|browser`,
 * `--browser-minutes M` (default 25). Throws on a bad value, with the option named.
 */
export function realScaleOptions(values: {
  "real-scale-dir"?: string | undefined;
  out?: string | undefined;
  "real-scale-only"?: string | undefined;
  "browser-minutes"?: string | undefined;
}): RealScaleOptions {
  const only = values["real-scale-only"];
  if (only !== undefined && only !== "node" && only !== "browser")
    throw new RangeError(`--real-scale-only must be node or browser (got "${only}")`);
  const minutesText = values["browser-minutes"] ?? "25";
  const browserMinutes = Number(minutesText);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(minutesText) || !(browserMinutes > 0) || browserMinutes > 600)
    throw new RangeError(
      `--browser-minutes must be a number of minutes in (0, 600] (got "${minutesText}")`,
    );
  return {
    dir: values["real-scale-dir"] ?? REAL_SCALE_DIR,
    out: values.out ?? REAL_SCALE_OUT,
    node: only !== "browser",
    browser: only !== "node",
    browserMinutes,
  };
}
