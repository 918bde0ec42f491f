import { describe, expect, it } from "vitest";
import type { FlowResult } from "../../engine";
import { patchesReadBy, readersOf, relativeToMax, textTokens, tokenLights } from "./token-links";

/** Prompt: USER : <image> <image> What ? ASSISTANT : (image patch 1 is the object). */
const result = {
  promptTokens: ["USER", ":", "<image>", "<image>", "What", "?", "ASSISTANT", ":"],
  groups: {
    prefix: [0, 1],
    imageObject: [3],
    imageBackground: [2],
    question: [4, 5],
    role: [6],
    final: [7],
  },
} as unknown as FlowResult;

const attention = {
  positions: [4, 5, 6, 7],
  attention: [
    [0.1, 0.3],
    [0.2, 0.2],
    [0, 0],
    [0.4, 0.1],
  ],
};

describe("token flow hover links", () => {
  it("lists the text tokens with their groups, skipping the image", () => {
    expect(textTokens(result).map((t) => `${t.position}:${t.text}:${t.group}`)).toEqual([
      "0:USER:prefix",
      "1:::prefix",
      "4:What:question",
      "5:?:question",
      "6:ASSISTANT:role",
      "7:::final",
    ]);
  });

  it("gives a token's attention row, and none for tokens before the image", () => {
    expect(patchesReadBy(attention, 7)).toEqual([0.4, 0.1]);
    expect(patchesReadBy(attention, 0)).toBeNull();
  });

  it("gives every reader of a patch", () => {
    expect([...readersOf(attention, 1)]).toEqual([
      [4, 0.3],
      [5, 0.2],
      [6, 0],
      [7, 0.1],
    ]);
  });

  it("scales brightness by the largest value, clamping negatives", () => {
    expect(relativeToMax([0.5, 1, -2, 0])).toEqual([0.5, 1, 0, 0]);
    expect(relativeToMax([0, 0])).toEqual([0, 0]);
  });

  it("lights the tokens that read a patch, prefix tokens dark", () => {
    const lights = tokenLights(attention, 0, textTokens(result));
    expect(lights.get(7)).toBe(1);
    expect(lights.get(5)).toBeCloseTo(0.5, 12);
    expect(lights.get(0)).toBe(0);
    expect(lights.get(6)).toBe(0);
  });
});

describe("relativeToMax on long rows", () => {
  it("scales a million values by their largest without a spread", () => {
    const values = Array.from({ length: 1_000_000 }, (_, i) => (i === 7 ? 4 : 1));
    const scaled = relativeToMax(values);
    expect(scaled[7]).toBe(1);
    expect(scaled[8]).toBe(0.25);
  });
});
