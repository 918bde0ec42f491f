import { describe, expect, it } from "vitest";
import type { EvaluateResult, FlowResult, PatchesResult } from "../../src/engine";
import {
  curveSet,
  dropCentre,
  joinCurveSets,
  finding1,
  finding3,
  finding4,
  layerProfile,
  meanCurve,
  patchNumbers,
  windowSweep,
} from "./summaries";

/** A flow result with only the fields the summaries read. */
function flowResult(curves: Record<string, number[]>, window = 2): FlowResult {
  return {
    window,
    layers: 4,
    curves: Object.entries(curves).map(([pair, change]) => {
      const [source, target] = pair.split("->");
      return { source, target, change, probability: change.map((c) => 1 + c) };
    }),
  } as unknown as FlowResult;
}

const flow = (curves: Record<string, number[]>, window = 2) => curveSet(flowResult(curves, window));

const flat = [0, 0, 0, 0];

describe("knockout curve summaries", () => {
  it("dropCentre is the drop-weighted mean layer, ignoring rises", () => {
    expect(dropCentre([-0.2, 0, -0.2, 0.5])).toBeCloseTo(1, 12);
    expect(dropCentre([0, -0.3, -0.1, 0])).toBeCloseTo((1 * 0.3 + 2 * 0.1) / 0.4, 12);
    expect(dropCentre([0, 0.1, 0])).toBeNull();
  });

  it("names a whole-image run's pairs image->..., and joins runs of one image", () => {
    const whole = curveSet(
      flowResult({
        "imageObject->final": [-0.9, 0, 0, 0],
        "imageBackground->final": flat,
        "question->final": [-0.1, 0, 0, 0],
      }),
      true,
    );
    expect(whole.curves.map((c) => c.pair)).toEqual(["image->final", "question->final"]);
    const scene = flow({ "question->final": [-0.2, 0, 0, 0], "imageObject->final": flat });
    const joined = joinCurveSets(scene, whole);
    expect(joined.curves.map((c) => c.pair)).toEqual([
      "question->final",
      "imageObject->final",
      "image->final",
    ]);
    expect(joined.curves[0]!.change[0]).toBe(-0.2);
    // The whole-image route dominates: image at layer 0, question later.
    const verdict = finding3([
      joinCurveSets(
        flow({ "question->final": [0, -0.5, 0, 0], "imageObject->final": flat }),
        whole,
      ),
    ]);
    expect(verdict.image?.pair).toBe("image->final");
  });

  it("meanCurve averages index by index and skips nulls", () => {
    expect(
      meanCurve([
        [1, null, 3],
        [3, 4],
      ]),
    ).toEqual([2, 4, 3]);
  });

  it("finding 3 agrees when text drops early and image late, by construction", () => {
    const early = [-0.5, -0.1, 0, 0];
    const late = [0, 0, -0.1, -0.4];
    const result = finding3([
      flow({
        "question->role": flat,
        "question->final": early,
        "imageObject->final": late,
        "imageBackground->final": flat,
      }),
    ]);
    expect(result.text?.pair).toBe("question->final");
    expect(result.image?.pair).toBe("imageObject->final");
    expect(result.verdict.agrees).toBe(true);
    expect(result.perImage).toEqual([true]);
    // Swapped: image first.
    const swapped = finding3([flow({ "question->final": late, "imageObject->final": early })]);
    expect(swapped.verdict.agrees).toBe(false);
  });

  it("finding 3 does not agree when a route drops too little to count", () => {
    const result = finding3([
      flow({ "question->final": [-0.5, 0, 0, 0], "imageObject->final": [0, 0, 0, -0.04] }),
    ]);
    expect(result.visible).toBe(false);
    expect(result.verdict.agrees).toBe(false);
  });

  it("finding 3 is untestable without an image route", () => {
    expect(finding3([flow({ "question->final": [-0.5, 0, 0, 0] })]).verdict.agrees).toBeNull();
  });

  it("the window sweep reports each window's routes and outcome", () => {
    const sweep = windowSweep(
      new Map([
        [
          1,
          [flow({ "question->final": [-0.5, 0, 0, 0], "imageObject->final": [0, -0.3, 0, 0] }, 1)],
        ],
        [
          2,
          [flow({ "question->final": [0, -0.5, 0, 0], "imageObject->final": [-0.3, 0, 0, 0] }, 2)],
        ],
      ]),
    );
    expect(sweep.map((s) => [s.window, s.agrees, s.perImageEarlier])).toEqual([
      [1, true, 1],
      [2, false, 0],
    ]);
    expect(sweep[0]!.routes.map((r) => r.pair)).toEqual(["question->final", "imageObject->final"]);
  });
});

/** A patches result with the fields the summaries read. */
function patches(
  clean: number,
  objectBlocked: number,
  backgroundBlocked: number,
  allBlocked: number,
) {
  const block = (p: number) => ({ patches: 1, probability: p, drop: clean - p, dropPerPatch: 0 });
  return {
    cleanProbability: clean,
    object: block(objectBlocked),
    background: block(backgroundBlocked),
    wholeImage: block(allBlocked),
  } as unknown as PatchesResult;
}

describe("object vs background", () => {
  it("blocking one group leaves the other readable", () => {
    const n = patchNumbers(patches(0.5, 0.4, 0.1, 0));
    expect(n.objectDrop).toBeCloseTo(0.2, 12);
    expect(n.backgroundDrop).toBeCloseTo(0.8, 12);
    expect(n.objectOnlyKeeps).toBeCloseTo(0.2, 12); // background blocked
    expect(n.backgroundOnlyKeeps).toBeCloseTo(0.8, 12); // object blocked
    expect(n.wholeDrop).toBeCloseTo(1, 12);
  });

  it("agrees only when each group alone carries the answer and the image is needed", () => {
    expect(finding4([patches(0.5, 0.45, 0.4, 0.01)]).agrees).toBe(true);
    // Only the object carries it: blocking it removes the answer.
    expect(finding4([patches(0.5, 0.05, 0.5, 0.01)]).agrees).toBe(false);
    // The image is not needed at all.
    expect(finding4([patches(0.5, 0.5, 0.5, 0.49)]).agrees).toBe(false);
  });
});

/** An evaluate result with the fields finding 1 reads (2 layers x 2 heads). */
function evaluation(
  attribution: number[][],
  attention: number[][],
  k: Record<string, [number | null, number | null]>,
): EvaluateResult {
  const ranking = (method: string, scores: number[][] | null) => ({
    method,
    seed: null,
    scores,
    order: [],
    faithfulness: [0, 0.5, 0.9, 1, 1],
    completeness: [0, 0.2, 0.4, 0.9, 1],
    keptTargets: [],
    droppedTargets: [],
    kFaithfulness: k[method]?.[0] ?? null,
    kCompleteness: k[method]?.[1] ?? null,
  });
  return {
    layers: 2,
    heads: 2,
    rankings: [
      ranking("attribution", attribution),
      ranking("attention", attention),
      ranking("single-head", attribution),
      ranking("random", null),
    ],
  } as unknown as EvaluateResult;
}

describe("finding 1", () => {
  it("the layer profile is each layer's share of positive attribution", () => {
    const e = evaluation(
      [
        [1, -5],
        [2, 1],
      ],
      [
        [0, 0],
        [0, 1],
      ],
      {},
    );
    const profile = layerProfile([e]);
    expect(profile[0]).toBeCloseTo(1 / 4, 12);
    expect(profile[1]).toBeCloseTo(3 / 4, 12);
  });

  it("counts a ranking that never reaches the level as needing every head", () => {
    const e = evaluation(
      [
        [0, 0],
        [3, 1],
      ],
      [
        [1, 2],
        [0, 0],
      ],
      {
        attribution: [1, 2],
        attention: [null, 3],
        "single-head": [1, 2],
        random: [3, null],
      },
    );
    const one = finding1([e]);
    const by = (m: string) => one.summary.find((s) => s.method === m)!;
    expect(by("attention").kFaithfulness).toBe(4);
    expect(by("random").kCompleteness).toBe(4);
    // 1 head of 4 is at most a quarter, and fewer than random's 3.
    expect(one.verdicts[0]!.agrees).toBe(true);
    // All positive attribution in layer 1 (late).
    expect(one.verdicts[1]!.agrees).toBe(true);
    // Attention needs more heads; its scores anti-correlate with attribution (|r| >= 0.5).
    expect(one.attentionR).toBeLessThan(-0.5);
    expect(one.verdicts[2]!.agrees).toBe(false);
  });
});
