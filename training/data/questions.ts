/**
 * Question types, their fixed templates and one-word answers.
 *
 * Templates never change wording: the tokenizer is word-level (punctuation split off),
 * so every question of a type is the same token sequence up to the `{category}` slot.
 */
import { COLOR_NAMES } from "./palette.ts";

export interface QuestionType {
  id: "object" | "color" | "position" | "exists";
  template: string;
  /** Answer vocabulary: "categories" or an explicit list of words. */
  answers: "categories" | readonly string[];
}

export const POSITIONS = ["left", "middle", "right"] as const;
export type Position = (typeof POSITIONS)[number];

export const QUESTION_TYPES: readonly QuestionType[] = [
  {
    id: "object",
    template: "What is the main object in the image? Answer with one word.",
    answers: "categories",
  },
  {
    id: "color",
    template: "What color is the background? Answer with one word.",
    answers: COLOR_NAMES,
  },
  {
    id: "position",
    template: "Where is the main object? Answer with one word.",
    answers: POSITIONS,
  },
  {
    id: "exists",
    template: "Is there a {category} in the image? Answer with one word.",
    answers: ["yes", "no"],
  },
];

export interface QA {
  type: QuestionType["id"];
  question: string;
  answer: string;
}

/** left / middle / right by the box centre's x in thirds of the image width. */
export function positionOf(box: readonly [number, number, number, number], size: number): Position {
  const cx = (box[0] + box[2]) / 2;
  return cx < size / 3 ? "left" : cx < (2 * size) / 3 ? "middle" : "right";
}

export interface QAInput {
  category: string;
  backgroundColor: string;
  box: readonly [number, number, number, number];
  size: number;
  /** Category named by the exists question, and whether it is in the scene. */
  existsCategory: string;
  existsPresent: boolean;
}

export function makeQA(input: QAInput): QA[] {
  const template = (id: QuestionType["id"]) => {
    const q = QUESTION_TYPES.find((t) => t.id === id);
    if (!q) throw new Error(`unknown question type ${id}`);
    return q.template;
  };
  return [
    { type: "object", question: template("object"), answer: input.category },
    { type: "color", question: template("color"), answer: input.backgroundColor },
    { type: "position", question: template("position"), answer: positionOf(input.box, input.size) },
    {
      type: "exists",
      question: template("exists").replace("{category}", input.existsCategory),
      answer: input.existsPresent ? "yes" : "no",
    },
  ];
}
