/**
 * Test support for the third-party fixture tests: the deterministic test image, the
 * PyTorch parity references (fixtures/<name>.parity.json, written by
 * scripts/fixtures/make-tiny-vlms.py and its siblings) and the reference's pixel values,
 * so each test feeds the export exactly what the reference was run on. Reads files with
 * node:fs: import it from tests only.
 */
import { readFileSync } from "node:fs";
import type { RgbaImage } from "../../model/image";
import type { ProcessedInputs } from "./processor";

/** The fields every parity reference of a tiny-llava / tiny-smolvlm-style fixture holds. */
export interface Parity {
  image: { width: number; height: number };
  question: string;
  inputIds: number[];
  imageBlock: [number, number];
  pixelValues: { dims: number[] };
  baselinePixel: number;
  masks: number[][];
  cleanLogits: number[];
  ablatedLogits: number[][];
}

/** The parity reference of fixture `name`; families with more fields name their shape. */
export const parityOf = <T = Parity>(name: string): T =>
  JSON.parse(
    readFileSync(`src/engine/exports/transformers-js/fixtures/${name}.parity.json`, "utf8"),
  ) as T;

/** A deterministic colourful test image. */
export function testImage(width: number, height: number): RgbaImage & { name: string } {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data.set([(x * 37) % 256, (y * 53) % 256, ((x + y) * 19) % 256, 255], (y * width + x) * 4);
  return { name: "test.png", width, height, data };
}

/**
 * `count` reference pixel values: the clean image is sin(0.37 i + 0.5) * 0.9
 * (make-tiny-vlms.py, test_pixels), the baseline `baseline(i)` (one gray, or one per channel).
 */
export function referencePixels(
  count: number,
  which: "clean" | "baseline",
  baseline: (i: number) => number,
): Float32Array {
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++)
    data[i] = which === "clean" ? Math.fround(Math.sin(i * 0.37 + 0.5) * 0.9) : baseline(i);
  return data;
}

/** The reference's ids and pixels (with SmolVLM's all-ones pixel mask for 5-D pixels). */
export function referenceInputs(parity: Parity, which: "clean" | "baseline"): ProcessedInputs {
  const dims = parity.pixelValues.dims;
  const count = dims.reduce((a, b) => a * b, 1);
  const data = referencePixels(count, which, () => parity.baselinePixel);
  const inputs: ProcessedInputs = { ids: parity.inputIds, pixelValues: { data, dims } };
  if (dims.length === 5) {
    const [b, n, , h, w] = dims as [number, number, number, number, number];
    inputs.pixelAttentionMask = { data: new Uint8Array(b * n * h * w).fill(1), dims: [b, n, h, w] };
  }
  return inputs;
}
