import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTION } from "../../attribution/attribute-heads";
import { evaluateRankings, DEFAULT_EVALUATE } from "./evaluate";
import { curveMasks, curvesFromTargets, smallestKReaching } from "./faithfulness";
import { sliceImageKv } from "../../model/kv";
import { maskTargets } from "../../ablation/mask-targets";
import { prefill, prefillImages } from "../../model/prefill";
import { attentionToImage, orderByScore, randomOrder } from "./rankings";
import { AblationRunner } from "../../ablation/runner";
import { ANSWER, DIM, TOY_DIMS, toyModel, toyPixels, toyPrompt } from "../../testing/toy-fixtures";
import { ToySession } from "../../testing/toy-session";

const size = TOY_DIMS.layers * TOY_DIMS.heads;
const KEY_HEAD = 2 * TOY_DIMS.heads + 3; // head 2.3
const LOOKER = 0; // head 0.0

/**
 * By construction only head 2.3 carries the image to the answer logit (it averages the
 * patches' brightness into the answer); head 0.0 looks hardest at the image but writes
 * only to another token.
 */
function session(): ToySession {
  return new ToySession(
    toyModel((heads) => {
      const carrier = heads[2]![3]!;
      carrier.value[DIM.brightness]![0] = 1;
      carrier.readout[0]![ANSWER] = 10;
      const looker = heads[0]![0]!;
      looker.query[DIM.one]![0] = 10;
      looker.key[DIM.image]![0] = 10;
      looker.value[DIM.one]![0] = 1;
      looker.readout[0]![7] = 3;
    }),
  );
}

async function setup() {
  const toy = session();
  const prompt = toyPrompt();
  const prefilled = await prefill(toy, prompt, toyPixels([1, 1, 1, 1]));
  const dark = await prefillImages(toy, prompt, toyPixels([0, 0, 0, 0]), 1);
  const runner = new AblationRunner(toy, prefilled, sliceImageKv(dark, 2, 6));
  return { toy, prefilled, evaluate: maskTargets(runner, ANSWER, "logit", { batchSize: 64 }) };
}

describe("faithfulness and completeness", () => {
  it("are 0 at k = 0 and 1 at k = all, and scale a linear target exactly", () => {
    const order = [2, 0, 1];
    const masks = curveMasks(order, 3);
    const weights = [1, 2, 7];
    // target = 10 - sum of ablated heads' weights: clean 10, all ablated 0.
    const targets = Array.from({ length: 8 }, (_, r) =>
      [0, 1, 2].reduce((y, h) => y - weights[h]! * masks[r * 3 + h]!, 10),
    );
    const curves = curvesFromTargets(targets, 3);
    expect(curves.faithfulness).toEqual([0, 0.7, 0.8, 1]);
    expect(curves.completeness).toEqual([0, 0.7, 0.8, 1]);
    expect(smallestKReaching(curves.faithfulness, 0.8)).toBe(2);
    expect(smallestKReaching([0, null, 0.5], 0.8)).toBeNull();
  });

  it("orders by score with ties to the lower index, and random orders are seeded permutations", () => {
    expect(orderByScore([1, 3, 3, Number.NaN, 2])).toEqual([1, 2, 4, 0, 3]);
    expect(randomOrder(10, 4)).toEqual(randomOrder(10, 4));
    expect([...randomOrder(10, 4)].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(randomOrder(10, 4)).not.toEqual(randomOrder(10, 5));
  });
});

describe("evaluateRankings on a toy model where only head 2.3 matters", () => {
  it("puts 2.3 first by attribution and single-head ablation; attention weight picks 0.0", async () => {
    const { toy, prefilled, evaluate } = await setup();
    const attention = await attentionToImage(toy, prefilled);
    expect(orderByScore(attention)[0]).toBe(LOOKER);
    const settings = {
      ...DEFAULT_EVALUATE,
      attribution: { ...DEFAULT_ATTRIBUTION, samples: 200, alpha: 0.2, batchSize: 64 },
      randomRankings: 3,
    };
    const result = await evaluateRankings(evaluate, size, attention, settings);
    const by = (method: string) => result.rankings.find((r) => r.method === method)!;
    expect(result.clean).toBeGreaterThan(result.allAblated + 1);
    for (const method of ["attribution", "single-head"]) {
      const ranking = by(method);
      expect(ranking.order[0]).toBe(KEY_HEAD);
      expect(ranking.faithfulness[1]).toBeCloseTo(1, 6);
      expect(ranking.completeness[1]).toBeCloseTo(1, 6);
      expect([ranking.kFaithfulness, ranking.kCompleteness]).toEqual([1, 1]);
    }
    expect(result.attribution.heldOutR).toBeGreaterThan(0.99);
    const attentionRanking = by("attention");
    expect(attentionRanking.faithfulness[1]).toBeCloseTo(0, 6);
    expect(attentionRanking.kFaithfulness).toBe(attentionRanking.order.indexOf(KEY_HEAD) + 1);
    const randoms = result.rankings.filter((r) => r.method === "random");
    expect(randoms.map((r) => r.seed)).toEqual([1, 2, 3]);
    for (const ranking of result.rankings) {
      expect(ranking.faithfulness[0]).toBe(0);
      expect(ranking.completeness[0]).toBe(0);
      expect(ranking.faithfulness[size]).toBeCloseTo(1, 9);
      expect(ranking.completeness[size]).toBeCloseTo(1, 9);
    }
  });
});
