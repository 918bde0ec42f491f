/**
 * Which images the findings are measured on. The attribution target is the logit of the
 * model's own answer, so on an image it gets wrong the analyses trace how it reaches a
 * wrong word; like the usual practice in head-attribution studies, the findings use only
 * images whose object question is answered correctly, and say which were left out.
 */
import type { SetsResult } from "../../src/engine";
import type { AskLine } from "./cli-runner";

/** The fields of a public/samples/samples.json entry the selection needs. */
export interface GallerySample {
  file: string;
  category: string;
  style: string;
  qa: { type: string; answer: string }[];
}

export interface GalleryCheck {
  file: string;
  category: string;
  style: string;
  /** The model's answer to the object question and its probability. */
  answer: string;
  probability: number;
  correct: boolean;
  /** The background colour: truth, the model's answer, and whether they match. */
  colour: string | null;
  colourAnswer: string | null;
  colourCorrect: boolean;
}

const byName = (lines: readonly AskLine[]) => new Map(lines.map((l) => [l.image.name, l]));

/** Joins `ask` answers (object and colour questions) to the gallery's scene metadata. */
export function checkGallery(
  samples: readonly GallerySample[],
  objectAnswers: readonly AskLine[],
  colourAnswers: readonly AskLine[],
): GalleryCheck[] {
  const objects = byName(objectAnswers);
  const colours = byName(colourAnswers);
  return samples.map((sample) => {
    const object = objects.get(sample.file);
    if (!object) throw new Error(`no answer for gallery image ${sample.file}`);
    const colour = sample.qa.find((q) => q.type === "color")?.answer ?? null;
    const colourAnswer = colours.get(sample.file)?.answer ?? null;
    return {
      file: sample.file,
      category: sample.category,
      style: sample.style,
      answer: object.answer,
      probability: object.top[0]?.probability ?? Number.NaN,
      correct: object.answer === sample.category,
      colour,
      colourAnswer,
      colourCorrect: colour !== null && colourAnswer === colour,
    };
  });
}

export interface SetListItem {
  file: string;
  set?: string;
  category?: string;
  style?: string;
}

/**
 * The items of a set list that the model answers correctly (its answer is the item's
 * category), read from a `headflow sets` result over that same list. Files are rewritten
 * relative to `rebase` (a function of the original file) so the new list can live
 * elsewhere.
 */
export function correctSetItems(
  items: readonly SetListItem[],
  result: SetsResult,
  rebase: (file: string) => string,
): SetListItem[] {
  if (result.images.length !== items.length) {
    throw new Error(
      `sets result has ${result.images.length} images, the list ${items.length}: not the same list`,
    );
  }
  return result.images
    .filter((image) => {
      const item = items[image.index];
      if (!item || item.file !== image.file) {
        throw new Error(`sets result image ${image.index} (${image.file}) is not in the list`);
      }
      return item.category !== undefined && image.answer === item.category;
    })
    .map((image) => ({ ...items[image.index]!, file: rebase(items[image.index]!.file) }));
}
