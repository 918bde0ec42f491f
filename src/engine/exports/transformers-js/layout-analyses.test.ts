/**
 * Object vs background, its contribution map and token flow's image groups on image blocks
 * that are not one patch grid: tiny-smolvlm (2 x 2 tiles of 2 x 2 tokens, a global view
 * and the tokens between them) and tiny-llava-onevision (4 x 4 patches + image_newline).
 *
 * The reference is independent of the layout code and of the knockout runner's cached
 * path: the positions each knockout should block are read off the prompt's token ids by
 * hand here, and the answer probability with text -> those positions blocked comes from
 * one whole-sequence run of the analysis graph (no past) with the bias written here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { cleanAttentions } from "../../analyses/attention/clean-attentions";
import { displayMap } from "../../analyses/attention/display-map";
import { finalTokenImageAttention } from "../../analyses/attention/head-attention";
import { textToImageAttention } from "../../analyses/attention/token-attention";
import { flow } from "../../analyses/flow/flow-image";
import { objectVsBackground } from "../../analyses/object-background/object-vs-background-image";
import { logSumExp } from "../../ablation/targets";
import type { Prefilled } from "../../model/prefill";
import { folderReader } from "../../node";
import { FlowResultSchema, PatchesResultSchema } from "../../results/analysis-results";
import { testImage } from "./fixture-inputs";
import { fixtureFolder, openFixture } from "./open-fixture";
import type { ThirdPartyHeadflow } from "./third-party-headflow";

const load = (name: string) => openFixture(folderReader(fixtureFolder(name)), { id: name });

/** Maximal runs of `id` in `ids`, as position lists. */
function runs(ids: readonly number[], id: number): number[][] {
  const out: number[][] = [];
  ids.forEach((x, at) => {
    if (x !== id) return;
    const last = out[out.length - 1];
    if (last && last[last.length - 1] === at - 1) last.push(at);
    else out.push([at]);
  });
  return out;
}

/**
 * p(answer) with the text after the image unable to read `sources` in any layer: the whole
 * prompt in one run, prefix + image block from the prefill's own embeddings.
 */
async function blockedProbability(
  model: ThirdPartyHeadflow,
  prefilled: Prefilled,
  sources: readonly number[],
  answerId: number,
): Promise<number> {
  const session = model.thirdParty.session;
  const { layers, heads, hiddenSize, vocabSize } = session.dims;
  const end = prefilled.prompt.imageEnd;
  const total = prefilled.prompt.ids.length;
  const embeds = new Float32Array(total * hiddenSize);
  embeds.set(prefilled.blockEmbeds!.subarray(0, end * hiddenSize));
  embeds.set(prefilled.suffixEmbeds, end * hiddenSize);
  const bias = Array.from({ length: layers }, () => {
    const out = new Float32Array(heads * total * total);
    for (let h = 0; h < heads; h++)
      for (let q = end; q < total; q++)
        for (const s of sources) out[(h * total + q) * total + s] = -1e9;
    return out;
  });
  const { logits } = await session.decodeAnalysis({
    embeds,
    batch: 1,
    length: total,
    bias,
    logits: "last",
  });
  return Math.exp(logits[answerId]! - logSumExp(logits, 0, vocabSize));
}

const TOLERANCE = 1e-5;

/** The largest |engine - reference| seen, printed after each fixture (the figure quoted). */
let worst = 0;
function expectClose(engine: number, reference: number): void {
  const error = Math.abs(engine - reference);
  worst = Math.max(worst, error);
  expect(error).toBeLessThan(TOLERANCE);
}

describe("object vs background and token flow on tiny-smolvlm's tiles", () => {
  let model: ThirdPartyHeadflow;
  const image = testImage(64, 48);
  beforeAll(async () => {
    model = await load("tiny-smolvlm");
  });

  it("blocks the positions read off the token ids: object, background, image, the map", async () => {
    const prefilled = await model.prefill(image, model.prompt());
    const { ids, imageStart, imageEnd } = prefilled.prompt;
    const tiles = runs(ids, model.thirdParty.manifest.imageTokenId);
    // 64 x 48 at longest edge 64, tiles of 32: 2 x 2 tiles of 2 x 2 tokens, then the global view.
    expect(tiles.map((t) => t.length)).toEqual([4, 4, 4, 4, 4]);
    // The object: the mosaic's top-left tile (cells 0, 1, 4, 5 of the 4 x 4 mosaic).
    const mask = Array.from({ length: 16 }, (_, c) => [0, 1, 4, 5].includes(c));
    const result = await objectVsBackground(model, image, {
      objectMask: { source: "mask", patches: mask },
      batchSize: 4,
    });
    PatchesResultSchema.parse(result);
    expect(result.grid).toEqual([4, 4]);
    expect(result.objectMask.patches).toEqual([0, 1, 4, 5]);
    // Object: tile 1's tokens and the global view's top-left token (it covers cells 0,1,4,5).
    const object = [...tiles[0]!, tiles[4]![0]!];
    // Background: the other tiles and the global view's other tokens; never separators.
    const background = [...tiles[1]!, ...tiles[2]!, ...tiles[3]!, ...tiles[4]!.slice(1)];
    const image_ = Array.from({ length: imageEnd - imageStart }, (_, i) => imageStart + i);
    expect([result.object.patches, result.background.patches, result.wholeImage.patches]).toEqual([
      5, 15, 31,
    ]);
    const answer = result.answer.id;
    const clean = await blockedProbability(model, prefilled, [], answer);
    expectClose(result.cleanProbability, clean);
    for (const [block, sources] of [
      [result.object, object],
      [result.background, background],
      [result.wholeImage, image_],
    ] as const) {
      const p = await blockedProbability(model, prefilled, sources, answer);
      expectClose(block.probability, p);
      expectClose(block.drop, clean - p);
    }
    // The map: cell (r, c) = its tile token's drop + a quarter of its global token's drop.
    for (const [r, c] of [
      [0, 0],
      [1, 2],
      [3, 3],
    ] as const) {
      const tile = tiles[Math.floor(r / 2) * 2 + Math.floor(c / 2)]![(r % 2) * 2 + (c % 2)]!;
      const global = tiles[4]![Math.floor(r / 2) * 2 + Math.floor(c / 2)]!;
      const own = clean - (await blockedProbability(model, prefilled, [tile], answer));
      const shared = clean - (await blockedProbability(model, prefilled, [global], answer));
      expectClose(result.contributions[r]![c]!, own + shared / 4);
    }
    expect(result.contributions.flat().some((v) => Math.abs(v) > 1e-4)).toBe(true);
    console.info(`tiny-smolvlm: max |engine - whole-sequence reference| ${worst.toExponential(2)}`);
  });

  it("token flow's image groups are the same positions; separators are in no group", async () => {
    const mask = Array.from({ length: 16 }, (_, c) => [0, 1, 4, 5].includes(c));
    const result = await flow(model, image, {
      objectMask: { source: "mask", patches: mask },
      pairs: [{ source: "imageObject", target: "final" }],
      batchSize: 4,
    });
    FlowResultSchema.parse(result);
    const ids = (await model.prefill(image, model.prompt())).prompt.ids;
    const tiles = runs(ids, model.thirdParty.manifest.imageTokenId);
    expect(result.groups.imageObject).toEqual([...tiles[0]!, tiles[4]![0]!]);
    expect(result.groups.imageBackground).toEqual(
      [...tiles[1]!, ...tiles[2]!, ...tiles[3]!, ...tiles[4]!.slice(1)].sort((a, b) => a - b),
    );
    expect(result.promptTokens).toHaveLength(ids.length);
  });

  it("token attention per mosaic cell: its tile token's plus a quarter of its global token's", async () => {
    const prefilled = await model.prefill(image, model.prompt());
    const { imageStart } = prefilled.prompt;
    const tiles = runs(prefilled.prompt.ids, model.thirdParty.manifest.imageTokenId);
    const { session } = model.thirdParty;
    const attentions = await cleanAttentions(session, prefilled);
    const cells = textToImageAttention(attentions, prefilled, session.dims.heads);
    const { imageLayout: _, ...bare } = prefilled;
    const raw = textToImageAttention(attentions, bare, session.dims.heads);
    expect(cells.positions).toEqual(raw.positions);
    expect(raw.attention[0]).toHaveLength(31);
    cells.attention.forEach((row, q) => {
      expect(row).toHaveLength(16);
      // Cell (1, 2): tile (0, 1)'s token (1, 0) and global-view token (0, 1).
      const own = raw.attention[q]![tiles[1]![2]! - imageStart]!;
      const global = raw.attention[q]![tiles[4]![1]! - imageStart]!;
      expect(row[1 * 4 + 2]).toBeCloseTo(own + global / 4, 12);
    });
    // The head detail's map: the final token's attention in one head, on the same mosaic.
    const head = finalTokenImageAttention(attentions, prefilled, 2, 1);
    const map = displayMap(head, prefilled, model.bundle.manifest.image.grid)!;
    expect(map.grid).toEqual([4, 4]);
    const expected = head[tiles[1]![2]! - imageStart]! + head[tiles[4]![1]! - imageStart]! / 4;
    expect(map.values[1 * 4 + 2]).toBeCloseTo(expected, 12);
    expect(displayMap(head, bare, [2, 2])).toBeNull();
  });

  it("takes a mask on the nominal 2 x 2 token grid, carried to the mosaic by nearest cell", async () => {
    const result = await objectVsBackground(model, image, {
      objectMask: { source: "mask", patches: [true, false, false, false] },
      batchSize: 8,
    });
    expect(result.objectMask.patches).toEqual([0, 1, 4, 5]);
  });
});

describe("object vs background on tiny-llava-onevision with image_newline", () => {
  it("blocks the 4 x 4 grid's positions; the newline only with the whole image", async () => {
    const model = await load("tiny-llava-onevision");
    const image = testImage(16, 16);
    const prefilled = await model.prefill(image, model.prompt());
    const { imageStart, imageEnd } = prefilled.prompt;
    // 17 features: the 4 x 4 patches row-major, then the image_newline.
    expect(imageEnd - imageStart).toBe(17);
    const cells = [5, 6, 9, 10];
    const mask = Array.from({ length: 16 }, (_, c) => cells.includes(c));
    const result = await objectVsBackground(model, image, {
      objectMask: { source: "mask", patches: mask },
      batchSize: 8,
    });
    PatchesResultSchema.parse(result);
    expect(result.grid).toEqual([4, 4]);
    const object = cells.map((c) => imageStart + c);
    const background = Array.from({ length: 16 }, (_, c) => c)
      .filter((c) => !cells.includes(c))
      .map((c) => imageStart + c);
    const whole = Array.from({ length: 17 }, (_, i) => imageStart + i);
    const answer = result.answer.id;
    const clean = await blockedProbability(model, prefilled, [], answer);
    for (const [block, sources] of [
      [result.object, object],
      [result.background, background],
      [result.wholeImage, whole],
    ] as const) {
      expect(block.patches).toBe(sources.length);
      const p = await blockedProbability(model, prefilled, sources, answer);
      expectClose(block.probability, p);
    }
    const cell = 6;
    const own = clean - (await blockedProbability(model, prefilled, [imageStart + cell], answer));
    expectClose(result.contributions[1]![2]!, own);
    const groups = (
      await flow(model, image, {
        objectMask: { source: "mask", patches: mask },
        pairs: [{ source: "imageObject", target: "final" }],
      })
    ).groups;
    expect(groups.imageObject).toEqual(object);
    expect(groups.imageBackground).toEqual(background);
    console.info(`tiny-llava-onevision: max |engine - reference| ${worst.toExponential(2)}`);
    await model.thirdParty.session.release();
  });
});

describe("object vs background on tiny-qwen2vl's image-sized grid", () => {
  it("a 32 x 16 image is image_grid_thw [1, 4, 8]: a 2 x 4 grid of merged patches", async () => {
    const model = await load("tiny-qwen2vl");
    const image = testImage(32, 16);
    // The nominal square image's grid is 3 x 3; this image's is its own.
    expect(model.bundle.manifest.image.grid).toEqual([3, 3]);
    const result = await objectVsBackground(model, image, {
      objectMask: { source: "mask", patches: [true, ...new Array<boolean>(7).fill(false)] },
      batchSize: 8,
    });
    PatchesResultSchema.parse(result);
    expect(result.grid).toEqual([2, 4]);
    expect([result.object.patches, result.background.patches, result.wholeImage.patches]).toEqual([
      1, 7, 8,
    ]);
    await model.thirdParty.session.release();
  });
});
