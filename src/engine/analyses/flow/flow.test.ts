import { describe, expect, it } from "vitest";
import { defaultPairs, defaultWindow, flowCurves, parsePairs, windowLayers } from "./flow";
import { KnockoutRunner } from "./knockout";
import { maskFromContributions } from "../object-background/object-mask";
import { blockImageRegions } from "../object-background/object-vs-background";
import { identityLayout } from "../../model/image-layout";
import { prefill } from "../../model/prefill";
import {
  ANSWER,
  DIM,
  ROLE_TOKENS,
  toyModel,
  toyPixels,
  toyPrompt,
} from "../../testing/toy-fixtures";
import { ToySession, type ToyHead } from "../../testing/toy-session";
import { tokenGroups, trailingRoleCount } from "./token-groups";

const FLOW_LAYER = 1;

/**
 * Only the question -> final edge in layer 1 matters: head 1.0's queries (role tokens,
 * which include the final `:`) look almost only at question tokens and copy a question
 * marker into the answer logit.
 */
function questionReader(heads: ToyHead[][]): void {
  const head = heads[FLOW_LAYER]![0]!;
  head.query[DIM.role]![0] = 20;
  head.key[DIM.question]![0] = 1;
  head.value[DIM.question]![0] = 1;
  head.readout[0]![ANSWER] = 5;
}

/** The answer is the average brightness the final token reads from the image (head 0.1). */
function imageReader(heads: ToyHead[][]): void {
  const head = heads[0]![1]!;
  head.query[DIM.role]![0] = 10;
  head.key[DIM.image]![0] = 1;
  head.value[DIM.brightness]![0] = 1;
  head.readout[0]![ANSWER] = 8;
}

/** The toy image: one 2 x 2 patch grid. */
const TOY_LAYOUT = identityLayout([2, 2]);

async function runnerFor(customise: (heads: ToyHead[][]) => void, brightness = [1, 1, 1, 1]) {
  const toy = new ToySession(toyModel(customise));
  const pixels = toyPixels(brightness);
  const prefilled = await prefill(toy, toyPrompt(), pixels);
  return KnockoutRunner.create(toy, prefilled, pixels);
}

describe("token groups", () => {
  it("split the prompt into prefix, image object/background, question, role and final", () => {
    const groups = tokenGroups(toyPrompt(), ROLE_TOKENS, TOY_LAYOUT, [true, false, false, true]);
    expect(groups).toEqual({
      prefix: [0, 1],
      imageObject: [2, 5],
      imageBackground: [3, 4],
      question: [6, 7, 8],
      role: [9],
      final: [10],
    });
    expect(trailingRoleCount(["a", "b"], 0, ROLE_TOKENS)).toBe(0);
  });

  it("parses pairs and lists the default ones in prompt order", () => {
    expect(parsePairs("question->final, role->final")).toEqual([
      { source: "question", target: "final" },
      { source: "role", target: "final" },
    ]);
    expect(() => parsePairs("question->nowhere")).toThrow(/bad pair/);
    expect(defaultPairs()).toHaveLength(14);
    expect(defaultWindow(8)).toBe(2);
    expect(windowLayers(7, 2, 8)).toEqual([7]);
    expect(windowLayers(3, 0, 8)).toEqual([]);
  });
});

describe("attention knockout on a toy model", () => {
  it("an empty window or an empty group changes nothing", async () => {
    const runner = await runnerFor(questionReader);
    const groups = tokenGroups(toyPrompt(), ROLE_TOKENS, TOY_LAYOUT, [false, false, false, false]);
    const pairs = parsePairs("question->final,imageObject->final");
    const empty = await flowCurves(runner, groups, pairs, 0, ANSWER);
    for (const curve of empty.curves) {
      expect(curve.probability.every((p) => p === empty.cleanProbability)).toBe(true);
    }
    const noObject = await flowCurves(runner, groups, pairs, 2, ANSWER);
    expect(noObject.curves[1]!.change.every((c) => c === 0)).toBe(true);
  });

  it("only windows over layer 1 of question -> final drop the answer; other edges do nothing", async () => {
    const runner = await runnerFor(questionReader);
    const groups = tokenGroups(toyPrompt(), ROLE_TOKENS, TOY_LAYOUT, [true, true, false, false]);
    const flow = await flowCurves(
      runner,
      groups,
      parsePairs("question->final,question->role,imageObject->final,prefix->final"),
      2,
      ANSWER,
    );
    expect(flow.cleanProbability).toBeGreaterThan(0.8);
    const [toFinal, toRole, imageToFinal, prefixToFinal] = flow.curves;
    // Windows start at 0..3 with w = 2: those starting at 0 and 1 cover layer 1.
    expect(toFinal!.change.map((c) => c < -0.5)).toEqual([true, true, false, false]);
    expect(toFinal!.change.slice(2).every((c) => c === 0)).toBe(true);
    for (const curve of [toRole!, imageToFinal!, prefixToFinal!]) {
      for (const c of curve.change) expect(Math.abs(c)).toBeLessThan(1e-4);
    }
  });

  it("blocks queries inside the image too (a full-prompt run), agreeing with the cached path", async () => {
    const runner = await runnerFor(imageReader, [1, 0, 0, 1]);
    const groups = tokenGroups(toyPrompt(), ROLE_TOKENS, TOY_LAYOUT, [true, false, false, true]);
    // prefix -> image object edges change only image positions, which the answer head
    // reads through values that do not depend on attention: no effect, but a full run.
    const flow = await flowCurves(runner, groups, parsePairs("prefix->imageObject"), 4, ANSWER);
    expect(flow.curves[0]!.change.every((c) => Math.abs(c) < 1e-6)).toBe(true);
  });
});

describe("object vs background", () => {
  it("blocking text -> object patches drops the answer; the contribution map finds the object", async () => {
    const objectMask = [true, false, false, true];
    const runner = await runnerFor(imageReader, [1, 0, 0, 1]);
    const result = await blockImageRegions(runner, TOY_LAYOUT, ANSWER, objectMask);
    expect(result.object.drop).toBeGreaterThan(0.3);
    expect(result.background.drop).toBeLessThan(0);
    expect(result.image.drop).toBeGreaterThan(result.object.drop - 1e-9);
    expect(result.contributions[0]).toBeGreaterThan(0);
    expect(result.contributions[1]).toBeLessThan(0);
    expect(maskFromContributions(result.contributions)).toEqual(objectMask);
  });
});
