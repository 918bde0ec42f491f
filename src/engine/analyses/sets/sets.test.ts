import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTION, attributeHeads } from "../../attribution/attribute-heads";
import { sliceImageKv } from "../../model/kv";
import { maskTargets } from "../../ablation/mask-targets";
import { prefill, prefillImages } from "../../model/prefill";
import { mulberry32 } from "../../math/random";
import { AblationRunner } from "../../ablation/runner";
import {
  collectShardImages,
  compactRanges,
  fingerprint,
  parseShard,
  setSummaries,
  shardRange,
  type SetImageResult,
} from "./sets";
import { buildSetsResult, mergeSetsResults, type SetsContext } from "./run-sets";
import { semanticVsAppearance, similarityMatrix } from "./similarity";
import { ANSWER, DIM, TOY_DIMS, toyModel, toyPixels, toyPrompt } from "../../testing/toy-fixtures";
import { ToySession } from "../../testing/toy-session";

/** Labels of a categories x styles grid, `copies` images per cell. */
function grid(categories: number, styles: number, copies: number) {
  const labels = [];
  for (let c = 0; c < categories; c++)
    for (let s = 0; s < styles; s++)
      for (let k = 0; k < copies; k++) labels.push({ category: `c${c}`, style: `s${s}` });
  return labels;
}

/** Vectors = category signal * semantic + style signal * appearance + noise. */
function vectors(
  labels: { category: string; style: string }[],
  semantic: number,
  appearance: number,
  seed: number,
) {
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const size = 24;
  const directions = new Map<string, number[]>();
  const direction = (key: string) => {
    if (!directions.has(key)) directions.set(key, Array.from({ length: size }, gaussian));
    return directions.get(key)!;
  };
  return labels.map((l) =>
    Array.from(
      { length: size },
      (_, i) =>
        semantic * direction(l.category)[i]! + appearance * direction(l.style)[i]! + gaussian(),
    ),
  );
}

describe("semantic vs appearance permutation test", () => {
  const labels = grid(3, 3, 2);

  it("gives a small p when similarity follows category, a large one when it follows style", () => {
    const semantic = semanticVsAppearance(
      similarityMatrix(vectors(labels, 2, 0, 1)),
      labels,
      999,
      3,
    )!;
    expect(semantic.difference).toBeGreaterThan(0.3);
    expect(semantic.pValue).toBeLessThan(0.01);
    expect(semantic.sameCategoryDifferentStyle.pairs).toBe(3 * 6 * 2);
    expect(semantic.sameStyleDifferentCategory.pairs).toBe(3 * 6 * 2);
    const appearance = semanticVsAppearance(
      similarityMatrix(vectors(labels, 0, 2, 1)),
      labels,
      999,
      3,
    )!;
    expect(appearance.pValue).toBeGreaterThan(0.9);
  });

  it("is roughly uniform under the null (no label effect)", () => {
    const ps = Array.from(
      { length: 120 },
      (_, seed) =>
        semanticVsAppearance(
          similarityMatrix(vectors(labels, 0, 0, 100 + seed)),
          labels,
          199,
          seed,
        )!.pValue,
    );
    const below = (level: number) => ps.filter((p) => p <= level).length / ps.length;
    expect(below(0.1)).toBeLessThan(0.2);
    expect(below(0.5)).toBeGreaterThan(0.35);
    expect(below(0.5)).toBeLessThan(0.65);
  });

  it("is deterministic for a seed, and undefined without both kinds of pair", () => {
    const sim = similarityMatrix(vectors(labels, 1, 0, 7));
    expect(semanticVsAppearance(sim, labels, 99, 5)).toEqual(
      semanticVsAppearance(sim, labels, 99, 5),
    );
    const oneStyle = labels.map((l) => ({ ...l, style: "s" }));
    expect(semanticVsAppearance(sim, oneStyle, 99, 5)).toBeNull();
  });
});

describe("set summaries and shards", () => {
  it("computes per-head mean and standard error", () => {
    const image = (set: string, scores: number[]): SetImageResult => ({
      index: 0,
      file: "f",
      set,
      category: null,
      style: null,
      answer: "a",
      heldOutR: null,
      scores,
    });
    const [a, b] = setSummaries([image("a", [1, 2]), image("b", [5, 5]), image("a", [3, 2])]);
    expect(a).toEqual({ name: "a", count: 2, mean: [2, 2], standardError: [1, 0] });
    expect(b!.standardError).toEqual([null, null]);
  });

  it("splits a list into contiguous shards covering it once", () => {
    const ranges = [1, 2, 3].map((i) => shardRange(10, i, 3));
    expect(ranges).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    expect(() => parseShard("0/3")).toThrow(/--shard/);
    expect(() => collectShardImages([{ fingerprint: "x", total: 2, images: [] }])).toThrow(
      /miss 2 of 2/,
    );
  });

  it("refuses to merge shards of different lists, overlapping shards, or incomplete ones", () => {
    const image = (index: number): SetImageResult => ({
      index,
      file: `${index}.png`,
      set: "s",
      category: null,
      style: null,
      answer: "a",
      heldOutR: null,
      scores: [index],
    });
    const shard = (fp: string, ...indices: number[]) => ({
      fingerprint: fp,
      total: 3,
      images: indices.map(image),
    });
    expect(collectShardImages([shard("x", 2), shard("x", 0, 1)]).map((i) => i.index)).toEqual([
      0, 1, 2,
    ]);
    expect(() =>
      collectShardImages([
        { ...shard("x", 0), name: "a.json" },
        { ...shard("y", 1, 2), name: "b.json" },
      ]),
    ).toThrow(/b\.json has fingerprint y \(3 images\) but a\.json has x .*different image lists/);
    expect(() => collectShardImages([shard("x", 0, 1), shard("x", 1, 2)])).toThrow(
      /image 1 \(1\.png\) is in two shards/,
    );
    expect(() => collectShardImages([shard("x", 0, 2)])).toThrow(/miss 1 of 3.*indices 1\)/);
    // Shards that say which part they are name the absent parts.
    const part = (index: number, ...indices: number[]) => ({
      ...shard("x", ...indices),
      shard: { index, count: 4 },
    });
    expect(() => collectShardImages([part(1, 0), part(3, 2)])).toThrow(
      /miss 1 of 3 images \(list indices 1\); missing shards: 2\/4, 4\/4$/,
    );
    expect(compactRanges([0, 1, 2, 5, 7, 8])).toBe("0-2, 5, 7-8");
    expect(compactRanges([])).toBe("");
    expect(() => collectShardImages([])).toThrow(/at least one shard/);
    // The fingerprint follows the list and the settings.
    const list = [{ file: "a.png" }, { file: "b.png" }];
    expect(fingerprint({ list, samples: 10 })).toBe(fingerprint({ list, samples: 10 }));
    expect(fingerprint({ list, samples: 10 })).not.toBe(fingerprint({ list, samples: 11 }));
    expect(fingerprint({ list: list.slice(1), samples: 10 })).not.toBe(
      fingerprint({ list, samples: 10 }),
    );
  });

  it("merging shards gives exactly the single run (toy model attributions)", async () => {
    // Head 2.3 reads the image's brightness into the answer; head 1.1 a brightness
    // difference between patches, so different images give different score vectors.
    const toy = new ToySession(
      toyModel((heads) => {
        heads[2]![3]!.value[DIM.brightness]![0] = 1;
        heads[2]![3]!.readout[0]![ANSWER] = 10;
        heads[1]![1]!.key[DIM.brightness]![0] = 3;
        heads[1]![1]!.query[DIM.one]![0] = 3;
        heads[1]![1]!.value[DIM.brightness]![1] = 1;
        heads[1]![1]!.readout[1]![ANSWER] = 4;
      }),
    );
    const prompt = toyPrompt();
    const baseline = sliceImageKv(
      await prefillImages(toy, prompt, toyPixels([0, 0, 0, 0]), 1),
      2,
      6,
    );
    const labels = grid(2, 2, 2);
    const images: SetImageResult[] = [];
    for (const [index, label] of labels.entries()) {
      const random = mulberry32(index);
      const pixels = toyPixels([0, 1, 2, 3].map(() => random()));
      const runner = new AblationRunner(toy, await prefill(toy, prompt, pixels), baseline);
      const settings = { ...DEFAULT_ATTRIBUTION, samples: 60, alpha: 0.2, batchSize: 60 };
      const run = await attributeHeads(maskTargets(runner, ANSWER, "logit"), 16, settings);
      images.push({
        index,
        file: `${index}.png`,
        set: label.category,
        ...label,
        answer: "x",
        heldOutR: run.heldOutR,
        scores: Array.from(run.scores),
      });
    }
    const context: SetsContext = {
      model: { id: "toy", name: "toy", layers: 4, heads: 4 },
      question: prompt.question,
      baseline: "blank",
      target: "logit",
      settings: DEFAULT_ATTRIBUTION,
      permutations: 200,
      permutationSeed: 0,
      layers: TOY_DIMS.layers,
      heads: TOY_DIMS.heads,
      fingerprint: "f",
      total: images.length,
      runtime: "toy",
    };
    const strip = ({ timings: _t, createdAt: _c, ...rest }: ReturnType<typeof buildSetsResult>) =>
      rest;
    const single = buildSetsResult(context, images, 1);
    const shards = [1, 2, 3].map((i) => {
      const [start, end] = shardRange(images.length, i, 3);
      // Through JSON, as shard files would be.
      return JSON.parse(
        JSON.stringify(
          buildSetsResult(context, images.slice(start, end), 1, { index: i, count: 3 }),
        ),
      );
    });
    const merged = mergeSetsResults([shards[2], shards[0], shards[1]]);
    expect(strip(merged)).toEqual(strip(single));
    expect(merged.timings.totalMs).toBe(3);
    expect(single.similarity[0]![0]).toBeCloseTo(1, 12);
    expect(() => mergeSetsResults([shards[0], shards[0]])).toThrow(/in two shards/);
  });
});
