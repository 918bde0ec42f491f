/**
 * Shared pieces of the toy-model tests: a prompt in the bundled layout
 * (`USER : <image> x 4 what object ? ASSISTANT :`), an embedding whose dimensions mark
 * token kinds, and 2 x 2-patch images whose patch brightness is a feature.
 */
import type { ModelDims } from "../model/session";
import type { Prompt } from "../model/tokenize";
import { silentHead, type ToyHead, type ToyModel } from "./toy-session";

/** Hidden dimensions of the toy embedding. */
export const DIM = { one: 0, image: 1, brightness: 2, question: 3, role: 4 } as const;

export const TOY_DIMS: ModelDims = {
  layers: 4,
  heads: 4,
  headDim: 2,
  hiddenSize: 6,
  vocabSize: 16,
  imageTokens: 4,
  imageSize: 4,
};

export const ANSWER = 5;
export const ROLE_TOKENS = ["USER", ":", "ASSISTANT", ":"];

const WORDS: Record<number, string> = {
  2: "<image>",
  10: "USER",
  11: ":",
  12: "what",
  13: "object",
  14: "?",
  15: "ASSISTANT",
};

export function toyPrompt(): Prompt {
  const ids = [10, 11, 2, 2, 2, 2, 12, 13, 14, 15, 11];
  return {
    question: "what object ?",
    ids,
    tokens: ids.map((id) => WORDS[id] ?? `<${id}>`),
    imageStart: 2,
    imageEnd: 6,
  };
}

function embedding(id: number): number[] {
  const x = new Array<number>(TOY_DIMS.hiddenSize).fill(0);
  x[DIM.one] = 1;
  if (id >= 12 && id <= 14) x[DIM.question] = 1;
  if (id === 10 || id === 11 || id === 15) x[DIM.role] = 1;
  return x;
}

/** Patch p's embedding: image marker plus the mean of channel 0 over its 2 x 2 pixels. */
function encodePatches(pixels: Float32Array): number[][] {
  const size = TOY_DIMS.imageSize;
  return Array.from({ length: 4 }, (_, p) => {
    const [r0, c0] = [2 * Math.floor(p / 2), 2 * (p % 2)];
    let sum = 0;
    for (let r = r0; r < r0 + 2; r++)
      for (let c = c0; c < c0 + 2; c++) sum += pixels[r * size + c]!;
    const x = new Array<number>(TOY_DIMS.hiddenSize).fill(0);
    x[DIM.one] = 1;
    x[DIM.image] = 1;
    x[DIM.brightness] = sum / 4;
    return x;
  });
}

/** `[3, 4, 4]` pixel values whose patches have the given channel-0 brightness. */
export function toyPixels(brightness: readonly number[]): Float32Array {
  const size = TOY_DIMS.imageSize;
  const pixels = new Float32Array(3 * size * size);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++)
      pixels[r * size + c] = brightness[2 * Math.floor(r / 2) + Math.floor(c / 2)]!;
  return pixels;
}

/** A model whose heads are all silent except those `customise` sets. */
export function toyModel(customise: (heads: ToyHead[][]) => void): ToyModel {
  const heads = Array.from({ length: TOY_DIMS.layers }, () =>
    Array.from({ length: TOY_DIMS.heads }, () => silentHead(TOY_DIMS)),
  );
  customise(heads);
  return { dims: TOY_DIMS, embedding, encodePatches, heads };
}
