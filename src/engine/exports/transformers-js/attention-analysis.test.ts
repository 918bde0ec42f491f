/**
 * The attention interface of an analysable decoder (analysable-decoder.ts) on decoders in
 * the model builder's style (GroupQueryAttention, src/engine/model/graph/fixtures): the
 * clean run against the export's own fused graph (onnxruntime, batch 1), and the
 * attention probabilities and knockouts against gqa-reference.json, a float64 numpy
 * computation of the same weights written from the ops' definitions
 * (scripts/fixtures/model-builder/make_gqa_decoder.py --reference).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ort } from "../../node";
import type { ModelDims } from "../../model/session";
import { ExportDecoder } from "./export-decoder";
import { analysableDecoder } from "./analysable-decoder";
import { biasPerQueryHead, groupMean } from "./kv-groups";

interface Reference {
  past: number;
  suffix: number;
  image: [number, number];
  embeds: number[];
  knockouts: { layer: number; group: number | null }[];
  graphs: Record<string, { logits: number[]; attentions: number[][]; knockoutLogits: number[][] }>;
}

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../model/graph/fixtures/${name}.onnx`, import.meta.url)));
const reference = JSON.parse(
  readFileSync(new URL("../../model/graph/fixtures/gqa-reference.json", import.meta.url), "utf8"),
) as Reference;
const GEOMETRY = { layers: 2, queryHeads: 4, kvHeads: 2, headDim: 16 };
const dims: ModelDims = {
  layers: 2,
  heads: 2,
  headDim: 16,
  hiddenSize: 64,
  vocabSize: 48,
  imageTokens: 6,
  imageSize: 0,
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe.each(["gqa-packed", "gqa-separate"])("the attention interface on %s", (name) => {
  const expected = reference.graphs[name]!;
  const { past, suffix, image } = reference;
  const total = past + suffix;
  const embeds = Float32Array.from(reference.embeds);
  const hidden = dims.hiddenSize;
  const prefixEmbeds = embeds.subarray(0, past * hidden);
  const suffixEmbeds = embeds.subarray(past * hidden);

  async function open() {
    const analysable = analysableDecoder(fixture(name), GEOMETRY);
    expect(analysable).toMatchObject({ rewritten: true, refusal: null, attentionRefusal: null });
    const session = await ort.InferenceSession.create(analysable.bytes);
    const runner = new ExportDecoder(ort, session, dims, GEOMETRY.queryHeads);
    expect(runner.hasAttention).toBe(true);
    const cache = (
      await runner.decode({
        embeds: prefixEmbeds,
        batch: 1,
        length: past,
        wantPresent: true,
        logits: "last",
      })
    ).present!;
    return { runner, cache };
  }

  it("runs clean as the fused graph (batch 1) and as the numpy reference", async () => {
    const { runner, cache } = await open();
    const fused = new ExportDecoder(ort, await ort.InferenceSession.create(fixture(name)), dims);
    const fusedCache = (
      await fused.decode({
        embeds: prefixEmbeds,
        batch: 1,
        length: past,
        wantPresent: true,
        logits: "last",
      })
    ).present!;
    const run = { embeds: suffixEmbeds, batch: 1, length: suffix, logits: "last" as const };
    const got = await runner.decode({ ...run, past: cache });
    const original = await fused.decode({ ...run, past: fusedCache });
    // npx vitest run src/engine/exports/transformers-js/attention-analysis.test.ts: 1e-6 or less
    expect(maxAbsDiff(got.logits, original.logits)).toBeLessThan(1e-4);
    expect(maxAbsDiff(got.logits, expected.logits)).toBeLessThan(1e-4);
  });

  it("returns attention probabilities per key/value group: the mean of its query heads'", async () => {
    const { runner, cache } = await open();
    const { attentions } = await runner.decode({
      embeds: suffixEmbeds,
      batch: 1,
      length: suffix,
      past: cache,
      logits: "last",
      wantAttentions: true,
    });
    expect(attentions).toHaveLength(dims.layers);
    const plane = suffix * total;
    attentions!.forEach((layer, l) => {
      const perGroup = groupMean(Float32Array.from(expected.attentions[l]!), GEOMETRY, 1, plane);
      expect(maxAbsDiff(layer, perGroup)).toBeLessThan(1e-5);
    });
  });

  it("knocks out edges per key/value group through the bias, batched", async () => {
    const { runner, cache } = await open();
    const batch = reference.knockouts.length;
    const tiled = (x: Float32Array) => {
      const out = new Float32Array(batch * x.length);
      for (let b = 0; b < batch; b++) out.set(x, b * x.length);
      return out;
    };
    // Per layer [batch, kvHeads, suffix, total]: -1e9 from every suffix query to the image.
    const bias = Array.from(
      { length: dims.layers },
      () => new Float32Array(batch * dims.heads * suffix * total),
    );
    reference.knockouts.forEach(({ layer, group }, b) => {
      for (let h = 0; h < dims.heads; h++) {
        if (group !== null && h !== group) continue;
        for (let q = 0; q < suffix; q++) {
          const row = ((b * dims.heads + h) * suffix + q) * total;
          bias[layer]!.fill(-1e9, row + image[0], row + image[1]);
        }
      }
    });
    const { logits } = await runner.decode({
      embeds: tiled(suffixEmbeds),
      batch,
      length: suffix,
      past: {
        ...cache,
        batch,
        keys: cache.keys.map(tiled),
        values: cache.values.map(tiled),
      },
      bias,
      logits: "last",
    });
    const vocab = dims.vocabSize;
    expected.knockoutLogits.forEach((row, b) => {
      const got = logits.subarray(b * vocab, (b + 1) * vocab);
      expect(maxAbsDiff(got, row)).toBeLessThan(1e-4);
      // Not vacuous: the knockout moves the logits.
      expect(maxAbsDiff(row, expected.logits)).toBeGreaterThan(1e-3);
    });
  });
});

describe("key/value groups", () => {
  const groups = { queryHeads: 4, kvHeads: 2 };
  it("gives each query head its group's bias, and keeps a per-query-head bias", () => {
    const bias = Float32Array.from([1, 2, 3, 4]); // [1, 2 groups, 1, 2]
    expect([...biasPerQueryHead(bias, groups, 1, 1, 2, "b")]).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
    const full = new Float32Array(8);
    expect(biasPerQueryHead(full, groups, 1, 1, 2, "b")).toBe(full);
    expect(() =>
      biasPerQueryHead(new Float32Array(3), groups, 1, 1, 2, "attention_bias.0"),
    ).toThrow(/attention_bias.0 has 3 values, expected 4 \(\[1, 2, 1, 2\]\) or 8 per query head/);
  });

  it("averages each group's query heads", () => {
    const probabilities = Float32Array.from([1, 0, 0, 1, 0.5, 0.5, 0.25, 0.75]);
    expect([...groupMean(probabilities, groups, 1, 2)]).toEqual([0.5, 0.5, 0.375, 0.625]);
  });
});
