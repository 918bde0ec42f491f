import { describe, expect, it } from "vitest";
import { rowCost } from "../../engine";
import {
  REAL_SCALE_DIR,
  REAL_SCALE_OUT,
  SMOLVLM_256M,
  generatedMismatches,
  geometryMismatches,
  imageLayout,
  realScaleOptions,
  type LoadedGeometry,
} from "./real-scale-geometry";

const loaded: LoadedGeometry = {
  layers: 30,
  queryHeads: 9,
  kvHeads: 3,
  headDim: 64,
  hiddenSize: 576,
  vocabSize: 49280,
  inputSize: 2048,
  tokenGrid: [8, 8],
};

describe("SmolVLM-256M's geometry table", () => {
  it("gives 17 tiles of 64 image tokens for a square image at the longest edge", () => {
    expect(imageLayout(SMOLVLM_256M)).toEqual({ tokensPerTile: 64, tiles: 17, imageTokens: 1088 });
    // One tile when the longest edge is the tile: no global view is added.
    expect(imageLayout({ ...SMOLVLM_256M, longestEdge: 512 }).tiles).toBe(1);
    expect(imageLayout({ ...SMOLVLM_256M, longestEdge: 1536 }).tiles).toBe(10);
  });

  it("is self-consistent: query heads x head size = hidden size, groups divide the heads", () => {
    const { text } = SMOLVLM_256M;
    expect(text.heads * text.headDim).toBe(text.hidden);
    expect(text.heads % text.kvHeads).toBe(0);
  });

  it("puts about 50 MB of float32 cache in each batch row (the issue's figure)", () => {
    const { text } = SMOLVLM_256M;
    const row = rowCost({
      layers: text.layers,
      kvHeads: text.kvHeads,
      queryHeads: text.heads,
      headDim: text.headDim,
      hiddenSize: text.hidden,
      vocab: text.vocab,
      pastLength: 1100,
      suffixLength: 16,
    });
    // 30 layers x (key + value) x 3 heads x 1100 positions x 64 x 4 bytes.
    expect(row.cache).toBe(30 * 2 * 3 * 1100 * 64 * 4);
    expect(row.cache / 1e6).toBeCloseTo(50.7, 1);
  });

  it("finds no mismatch in a model of the same shape, and names each one that differs", () => {
    expect(geometryMismatches(SMOLVLM_256M, loaded)).toEqual([]);
    expect(geometryMismatches(SMOLVLM_256M, { ...loaded, kvHeads: 9, tokenGrid: [16, 8] })).toEqual(
      [
        "key/value heads: SmolVLM-256M has 3, the model 9",
        "image token rows per tile: SmolVLM-256M has 8, the model 16",
      ],
    );
  });

  it("checks the generator's record against the table", () => {
    const record = {
      text: {
        hidden: 576,
        layers: 30,
        heads: 9,
        kv_heads: 3,
        head_dim: 64,
        intermediate: 1536,
        vocab: 49280,
        rope_theta: 100000,
        max_positions: 8192,
      },
      vision: { hidden: 768, layers: 12, heads: 12, intermediate: 3072, image: 512, patch: 16 },
      scale_factor: 4,
      longest_edge: 2048,
    };
    expect(generatedMismatches(SMOLVLM_256M, record)).toEqual([]);
    expect(
      generatedMismatches(SMOLVLM_256M, { ...record, vision: { ...record.vision, layers: 1 } }),
    ).toEqual(["vision.layers: table 12, generated 1"]);
    expect(generatedMismatches(SMOLVLM_256M, {})).toHaveLength(17);
  });
});

describe("--real-scale options", () => {
  it("defaults to both runtimes, the cache folder, the committed JSON and 25 minutes", () => {
    expect(realScaleOptions({})).toEqual({
      dir: REAL_SCALE_DIR,
      out: REAL_SCALE_OUT,
      node: true,
      browser: true,
      browserMinutes: 25,
    });
    expect(REAL_SCALE_DIR.startsWith(".cache/")).toBe(true);
  });

  it("takes a folder, an output, one runtime and a deadline", () => {
    expect(
      realScaleOptions({
        "real-scale-dir": "/tmp/m",
        out: "/tmp/r.json",
        "real-scale-only": "browser",
        "browser-minutes": "2.5",
      }),
    ).toEqual({
      dir: "/tmp/m",
      out: "/tmp/r.json",
      node: false,
      browser: true,
      browserMinutes: 2.5,
    });
    expect(realScaleOptions({ "real-scale-only": "node" })).toMatchObject({
      node: true,
      browser: false,
    });
  });

  it("refuses a bad runtime or deadline, naming the option", () => {
    expect(() => realScaleOptions({ "real-scale-only": "gpu" })).toThrow(/--real-scale-only/);
    for (const bad of ["0", "-1", "abc", "601", ""])
      expect(() => realScaleOptions({ "browser-minutes": bad })).toThrow(/--browser-minutes/);
  });
});
