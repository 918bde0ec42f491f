/**
 * Where each position of a prompt's image block lies on the image: the display patch grid
 * the patch-level analyses draw on (contribution maps, object masks) and, per block
 * position, the grid cells it covers.
 *
 * The bundled model and plain LLaVA have one patch grid: position i covers cell i (the
 * identity layout). Processors that tile the image (Idefics3 / SmolVLM), append
 * image_newline features (LLaVA-OneVision) or size the grid to the image (Qwen2-VL) put
 * other positions in the block; their layouts are derived from the processor's output
 * (exports/transformers-js/image-layout-of.ts). A position may cover several cells (a
 * global view's token covers a block of the tiled mosaic) or none (the tokens between
 * tiles, an image_newline): those belong to the image as a whole only.
 */
import { HeadflowError } from "../errors";
import { MAX_PATCH_GRID_SIDE } from "../results/limits";

export interface ImageLayout {
  /** `[rows, cols]` of the display grid. */
  grid: [number, number];
  /** Per block position (imageStart + i): the cells (row-major) it covers, ascending. */
  cells: number[][];
}

/** Position i covers cell i: one image of rows x cols tokens. */
export function identityLayout(grid: readonly [number, number]): ImageLayout {
  const [rows, cols] = grid;
  return {
    grid: [rows, cols],
    cells: Array.from({ length: rows * cols }, (_, i) => [i]),
  };
}

/**
 * Checks a layout against its image block: one entry per position, cells inside the
 * grid, every cell covered, and a grid within the results' limit (MAX_PATCH_GRID_SIDE).
 */
export function checkLayout(layout: ImageLayout, positions: number): ImageLayout {
  const [rows, cols] = layout.grid;
  const fail = (why: string): never => {
    throw new HeadflowError("bad-model", `the image layout is invalid: ${why}`);
  };
  if (rows > MAX_PATCH_GRID_SIDE || cols > MAX_PATCH_GRID_SIDE) {
    fail(
      `its ${rows}x${cols} display grid exceeds ${MAX_PATCH_GRID_SIDE} cells a side (use a smaller image)`,
    );
  }
  if (layout.cells.length !== positions) {
    fail(`it places ${layout.cells.length} positions, the image block has ${positions}`);
  }
  const covered = new Uint8Array(rows * cols);
  for (const cells of layout.cells) {
    for (const cell of cells) {
      if (!Number.isInteger(cell) || cell < 0 || cell >= covered.length) {
        fail(`cell ${cell} lies outside the ${rows}x${cols} grid`);
      }
      covered[cell] = 1;
    }
  }
  if (covered.includes(0)) fail(`cell ${covered.indexOf(0)} is covered by no position`);
  return layout;
}
