/**
 * Image layouts from processor outputs, checked against layouts written out by hand from
 * the token ids (the tiny-smolvlm reference prompt) and against the published SmolVLM
 * shapes (4 x 4 tiles of 8 x 8 tokens plus a global view: 1,088 image tokens).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkLayout } from "../../model/image-layout";
import { imageLayoutOf } from "./image-layout-of";
import type { ProcessedInputs } from "./processor";

const smol = JSON.parse(
  readFileSync("src/engine/exports/transformers-js/fixtures/tiny-smolvlm.parity.json", "utf8"),
) as { inputIds: number[]; imageBlock: [number, number] };
const IMAGE = 297;
const pixels = { data: new Float32Array(0), dims: [] };

/** An Idefics3 prompt's ids: rows x cols tiles of `seq` image tokens, then the global view. */
function idefics3Ids(rows: number, cols: number, seq: number): number[] {
  const ids = [1, 2];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++)
      ids.push(296, 400 + r * 10 + c, ...new Array<number>(seq).fill(IMAGE));
    ids.push(13);
  }
  ids.push(13, 296, 259, ...new Array<number>(seq).fill(IMAGE), 296, 5, 6);
  return ids;
}

describe("image layout of a processed prompt", () => {
  it("tiny-smolvlm's 2 x 2 tiles of 2 x 2 tokens: as read off its token ids by hand", () => {
    const inputs: ProcessedInputs = {
      ids: smol.inputIds,
      pixelValues: pixels,
      tiles: { rows: 2, cols: 2 },
    };
    const layout = imageLayoutOf(inputs, IMAGE, smol.imageBlock, [2, 2]);
    if (typeof layout === "string") throw new Error(layout);
    expect(layout.grid).toEqual([4, 4]);
    // Block [8, 39): ids 8-11 tile (1,1); 12-13 fake, row_1_col_2; 14-17 tile (1,2); 18 "\n";
    // 19-20; 21-24 tile (2,1); 25-26; 27-30 tile (2,2); 31-32 "\n\n"; 33-34 fake,
    // global-img; 35-38 the global view.
    const byPosition = new Map<number, number[]>([
      [8, [0]], [9, [1]], [10, [4]], [11, [5]],
      [14, [2]], [15, [3]], [16, [6]], [17, [7]],
      [21, [8]], [22, [9]], [23, [12]], [24, [13]],
      [27, [10]], [28, [11]], [29, [14]], [30, [15]],
      [35, [0, 1, 4, 5]], [36, [2, 3, 6, 7]], [37, [8, 9, 12, 13]], [38, [10, 11, 14, 15]],
    ]); // prettier-ignore
    const expected = Array.from({ length: 31 }, (_, k) => byPosition.get(8 + k) ?? []);
    expect(layout.cells).toEqual(expected);
    expect(checkLayout(layout, 31)).toBe(layout);
  });

  it("SmolVLM-256M's square image: 32 x 32 mosaic, 1,088 tokens; 1024 x 768: 3 x 4 tiles, a 24 x 32 mosaic", () => {
    for (const [rows, cols] of [
      [4, 4],
      [3, 4],
    ] as const) {
      const ids = idefics3Ids(rows, cols, 64);
      const block: [number, number] = [ids.indexOf(IMAGE), ids.lastIndexOf(IMAGE) + 1];
      const layout = imageLayoutOf(
        { ids, pixelValues: pixels, tiles: { rows, cols } },
        IMAGE,
        block,
        [8, 8],
      );
      if (typeof layout === "string") throw new Error(layout);
      expect(layout.grid).toEqual([rows * 8, cols * 8]);
      const tokens = layout.cells.filter((cells) => cells.length > 0);
      expect(tokens).toHaveLength((rows * cols + 1) * 64);
      checkLayout(layout, block[1] - block[0]);
      // Four tokens between (row newline, newline, fake, global-img). The last tile's last token is the mosaic's last cell; the global view's first token
      // covers the top-left rows x cols block.
      const lastTile = layout.cells[block[1] - block[0] - 64 - 4 - 1]!;
      expect(lastTile).toEqual([rows * 8 * cols * 8 - 1]);
      const global = layout.cells[block[1] - block[0] - 64]!;
      expect(global).toHaveLength(rows * cols);
      expect(global[0]).toBe(0);
    }
    expect(idefics3Ids(4, 4, 64).filter((id) => id === IMAGE)).toHaveLength(1088);
  });

  it("an Idefics3 image not split is its own grid; a mismatch says why", () => {
    const ids = [1, 296, 259, ...new Array<number>(9).fill(IMAGE), 296, 5];
    const one = imageLayoutOf(
      { ids, pixelValues: pixels, tiles: { rows: 0, cols: 0 } },
      IMAGE,
      [3, 12],
      [3, 3],
    );
    expect(typeof one !== "string" && one.grid).toEqual([3, 3]);
    expect(
      imageLayoutOf(
        { ids, pixelValues: pixels, tiles: { rows: 2, cols: 2 } },
        IMAGE,
        [3, 12],
        [3, 3],
      ),
    ).toMatch(/not the processor's 2x2 tiles and global view/);
  });

  it("LLaVA-OneVision: the grid, then one image_newline or one per row", () => {
    const run = (n: number) => [7, ...new Array<number>(n).fill(IMAGE), 8];
    const at = (n: number) =>
      imageLayoutOf({ ids: run(n), pixelValues: pixels }, IMAGE, [1, n + 1], [2, 3]);
    expect(at(6)).toEqual({ grid: [2, 3], cells: [[0], [1], [2], [3], [4], [5]] });
    expect(at(7)).toEqual({ grid: [2, 3], cells: [[0], [1], [2], [3], [4], [5], []] });
    expect(at(8)).toEqual({ grid: [2, 3], cells: [[0], [1], [2], [], [3], [4], [5], []] });
    expect(at(9)).toMatch(/image block has 9 positions \(9 image tokens\), not one 2x3 patch grid/);
  });

  it("Qwen2-VL: the merged patch grid of image_grid_thw", () => {
    const ids = [7, ...new Array<number>(6).fill(IMAGE), 8];
    const thw = { data: BigInt64Array.from([1n, 4n, 6n]), dims: [1, 3] };
    const layout = imageLayoutOf(
      { ids, pixelValues: pixels, imageGridThw: thw },
      IMAGE,
      [1, 7],
      [9, 9],
      2,
    );
    expect(typeof layout !== "string" && layout.grid).toEqual([2, 3]);
  });
});
