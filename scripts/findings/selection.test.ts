import { describe, expect, it } from "vitest";
import type { SetsResult } from "../../src/engine";
import type { AskLine } from "./cli-runner";
import { checkGallery, correctSetItems, type GallerySample } from "./selection";

const ask = (name: string, answer: string): AskLine => ({
  image: { name },
  question: "q",
  answer,
  top: [{ token: answer, probability: 0.5 }],
});

const sample = (file: string, category: string, colour: string): GallerySample => ({
  file,
  category,
  style: "twemoji",
  qa: [
    { type: "object", answer: category },
    { type: "color", answer: colour },
  ],
});

describe("gallery selection", () => {
  it("marks object and colour answers right or wrong, ignoring other files", () => {
    const checked = checkGallery(
      [sample("a.png", "cat", "red"), sample("b.png", "dog", "blue")],
      [ask("a.png", "cat"), ask("a.webp", "dog"), ask("b.png", "cat")],
      [ask("a.png", "green"), ask("b.png", "blue")],
    );
    expect(checked.map((c) => [c.file, c.correct, c.colourCorrect])).toEqual([
      ["a.png", true, false],
      ["b.png", false, true],
    ]);
    expect(checked[1]!.answer).toBe("cat");
  });

  it("fails clearly when an image has no answer", () => {
    expect(() => checkGallery([sample("a.png", "cat", "red")], [], [])).toThrow(/a\.png/);
  });
});

describe("correctly answered set items", () => {
  const items = [
    { file: "cat/x.png", category: "cat", style: "s1" },
    { file: "cat/y.png", category: "cat", style: "s2" },
    { file: "dog/x.png", category: "dog", style: "s1" },
  ];
  const result = (answers: string[], files = items.map((i) => i.file)) =>
    ({
      images: answers.map((answer, index) => ({ index, file: files[index], answer })),
    }) as unknown as SetsResult;

  it("keeps the items the model names correctly, with rebased files", () => {
    expect(correctSetItems(items, result(["cat", "dog", "dog"]), (f) => `../${f}`)).toEqual([
      { file: "../cat/x.png", category: "cat", style: "s1" },
      { file: "../dog/x.png", category: "dog", style: "s1" },
    ]);
  });

  it("refuses a result from another list", () => {
    expect(() => correctSetItems(items, result(["cat"]), (f) => f)).toThrow(/not the same list/);
    expect(() =>
      correctSetItems(items, result(["cat", "cat", "dog"], ["a", "b", "c"]), (f) => f),
    ).toThrow(/not in the list/);
  });
});
