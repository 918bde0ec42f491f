/**
 * Baseline sensitivity: pairwise agreement and per-head rank spread against direct
 * computations, the JSON schema, and one run on the bundled model with the same masks
 * under two baselines.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Headflow, type NamedImage } from "../../headflow";
import { solidImage } from "../../model/image";
import { loadBundleNode, nodeImageDecoder } from "../../node";
import { attribute } from "../attribute";
import { compareBaselines } from "./baseline-sensitivity";
import { baselineSensitivity } from "./baseline-sensitivity-image";
import { spearman } from "./ranks";
import { parseBaselinesResult } from "./trust-results";
import { attributionOf } from "./trust-fixtures";

const MEAN = [0.9, 0.5, 0.1, -0.2, 0.3, 0.05];
const BLANK = [0.8, 0.1, 0.6, -0.1, 0.3, 0.0];

describe("compareBaselines", () => {
  const result = compareBaselines(
    [
      attributionOf(MEAN, 2, 3),
      attributionOf(BLANK, 2, 3, { baseline: "blank" }),
      attributionOf([...MEAN].reverse(), 2, 3, { baseline: "image:other.png" }),
    ],
    2,
    "2026-01-01T00:00:00.000Z",
  );

  it("compares every pair: Spearman, top-k overlap and the shared heads", () => {
    expect(result.pairs.map((p) => `${p.a}/${p.b}`)).toEqual([
      "mean/blank",
      "mean/image:other.png",
      "blank/image:other.png",
    ]);
    const [meanBlank] = result.pairs;
    // Ranks: mean [1,2,4,6,3,5], blank [1,4,2,6,3,5]: d = [0,2,2,0,0,0], 1 - 6*8/(6*35).
    expect(meanBlank!.spearman).toBeCloseTo(1 - 48 / 210, 12);
    expect(meanBlank!.spearman).toBeCloseTo(spearman(MEAN, BLANK), 12);
    // Top 2: mean {0.0, 0.1}, blank {0.0, 0.2}.
    expect(meanBlank!.topKOverlap).toBe(0.5);
    expect(meanBlank!.shared).toEqual(["0.0"]);
    expect(result.pairs[1]!.spearman).toBeCloseTo(spearman(MEAN, [...MEAN].reverse()), 12);
  });

  it("lists every head's ranks, most-moved first", () => {
    expect(result.heads).toHaveLength(6);
    const spread = (name: string) => result.heads.find((h) => h.name === name)!;
    // Head 0.0: ranks 1 (mean), 1 (blank), 5 (reversed mean: 0.05 is 5th of 6) -> spread 4.
    expect(spread("0.0").ranks).toEqual([1, 1, 5]);
    expect(spread("0.0").rankSpread).toBe(4);
    const spreads = result.heads.map((h) => h.rankSpread);
    expect(spreads).toEqual([...spreads].sort((a, b) => b - a));
  });

  it("writes JSON its own schema reads back", () => {
    expect(parseBaselinesResult(JSON.parse(JSON.stringify(result)))).toEqual(result);
  });

  it("refuses runs that differ in more than the baseline", () => {
    expect(() =>
      compareBaselines([
        attributionOf(MEAN, 2, 3),
        attributionOf(BLANK, 2, 3, {
          baseline: "blank",
          settings: { ...attributionOf(MEAN, 2, 3).settings, seed: 4 },
        }),
      ]),
    ).toThrow("not one run under several baselines: the seed differs (0 and 4)");
    expect(() => compareBaselines([attributionOf(MEAN, 2, 3), attributionOf(BLANK, 2, 3)])).toThrow(
      "baseline mean is given twice",
    );
    expect(() => compareBaselines([attributionOf(MEAN, 2, 3)])).toThrow("needs 2..8 attributions");
  });

  it("the schema refuses a file whose head list does not match its attributions", () => {
    const broken = { ...result, heads: result.heads.slice(1) };
    expect(() => parseBaselinesResult(broken)).toThrow("heads must have 6 entries (got 5)");
    expect(() => parseBaselinesResult({ schema: "headflow.compare/1" })).toThrow(
      "expected headflow.baselines/1",
    );
  });
});

describe("baselineSensitivity on the bundled model", () => {
  let headflow: Headflow;
  const image: NamedImage = { ...solidImage(64, [40, 160, 220]), name: "blue.png" };
  beforeAll(async () => {
    headflow = new Headflow(
      await loadBundleNode("public/models/emoji-vlm"),
      nodeImageDecoder,
      "test",
    );
  });

  it("is one attribution per baseline on the same masks, compared", async () => {
    const settings = { samples: 96, batchSize: 32, seed: 5 };
    const result = await baselineSensitivity(
      headflow,
      image,
      [{ kind: "mean" }, { kind: "blank" }],
      { settings, topK: 8 },
    );
    const blank = await attribute(headflow, image, { baseline: { kind: "blank" }, settings });
    expect(result.baselines).toEqual(["mean", "blank"]);
    expect(result.attributions[1]!.scores).toEqual(blank.scores);
    const flat = result.attributions.map((a) => a.scores.flat());
    expect(result.pairs[0]!.spearman).toBeCloseTo(spearman(flat[0]!, flat[1]!), 12);
    expect(parseBaselinesResult(JSON.parse(JSON.stringify(result)))).toBeTruthy();
  }, 60_000);
});
