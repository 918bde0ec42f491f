/**
 * The image layout (model/image-layout.ts) of a processed third-party prompt, from what
 * the processor reports: the ids (runs of the image token and the tokens between them),
 * Idefics3's tile counts and Qwen2-VL's image_grid_thw. No token string is read:
 *
 * - Idefics3 / SmolVLM (transformers.js processing_idefics3.js, _prompt_split_image): an
 *   image split into rows x cols tiles is rows*cols runs of s*s image tokens (each tile's
 *   s x s grid, tiles row-major) then one run for the global view of the whole image,
 *   with `<fake_token_around_image>`, `<row_i_col_j>` and newline tokens between runs.
 *   The display grid is the tiles' mosaic, (rows*s) x (cols*s); a tile token covers its
 *   mosaic cell, a global-view token (i, j) the rows x cols block of the mosaic under it
 *   (the global view is the whole resized image, as the mosaic is); the tokens between
 *   runs cover none. An image not split (0 x 0) is one run: its own s x s grid.
 * - Qwen2-VL / Qwen2.5-VL: the block is one (h / m) x (w / m) grid of merged patches
 *   (image_grid_thw = [1, h, w], m = spatial_merge_size), sized by the image.
 * - LLaVA / LLaVA-OneVision: the manifest's rows x cols grid; n = rows*cols + 1 features is
 *   the grid then one image_newline (modeling_llava_onevision.py pack_image_features for a
 *   view without patches), n = rows*(cols + 1) a newline after each row (its anyres
 *   packing); the newlines cover no cell.
 * Anything else gets no layout: a string saying why, shown by the analyses that need one.
 */
import { identityLayout, type ImageLayout } from "../../model/image-layout";
import type { ProcessedInputs } from "./processor";

/** Maximal runs `[start, end)` of `id` in ids[from, to). */
function runsOf(ids: readonly number[], id: number, from: number, to: number): [number, number][] {
  const runs: [number, number][] = [];
  for (let at = from; at < to; at++) {
    if (ids[at] !== id) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === at) last[1] = at + 1;
    else runs.push([at, at + 1]);
  }
  return runs;
}

function tiledLayout(
  runs: readonly [number, number][],
  tiles: { rows: number; cols: number },
  block: readonly [number, number],
): ImageLayout | string {
  const split = tiles.rows * tiles.cols;
  const expected = split === 0 ? 1 : split + 1;
  const length = runs[0]![1] - runs[0]![0];
  const side = Math.round(Math.sqrt(length));
  if (
    runs.length !== expected ||
    runs.some(([a, b]) => b - a !== length) ||
    side * side !== length
  ) {
    return `the image block is not the processor's ${tiles.rows}x${tiles.cols} tiles and global view of square token grids (runs of ${runs.map(([a, b]) => b - a).join(", ")} image tokens)`;
  }
  if (split === 0) return identityLayout([side, side]);
  const [rows, cols] = [tiles.rows * side, tiles.cols * side];
  const cells: number[][] = Array.from({ length: block[1] - block[0] }, () => []);
  runs.forEach(([start], run) => {
    for (let t = 0; t < length; t++) {
      const [i, j] = [Math.floor(t / side), t % side];
      const covered: number[] = [];
      if (run < split) {
        const [tr, tc] = [Math.floor(run / tiles.cols), run % tiles.cols];
        covered.push((tr * side + i) * cols + tc * side + j);
      } else {
        for (let r = i * tiles.rows; r < (i + 1) * tiles.rows; r++)
          for (let c = j * tiles.cols; c < (j + 1) * tiles.cols; c++) covered.push(r * cols + c);
      }
      cells[start + t - block[0]] = covered;
    }
  });
  return { grid: [rows, cols], cells };
}

function gridLayout(
  runs: readonly [number, number][],
  grid: readonly [number, number],
  block: readonly [number, number],
): ImageLayout | string {
  const [rows, cols] = grid;
  const count = runs.reduce((n, [a, b]) => n + b - a, 0);
  const positions = block[1] - block[0];
  const inBlock = runs.length === 1 && count === positions;
  if (inBlock && count === rows * cols) return identityLayout(grid);
  // Per feature, its row and column on the grid, or null for an image_newline.
  let place: ((k: number) => [number, number] | null) | null = null;
  if (inBlock && count === rows * cols + 1) {
    place = (k) => (k < rows * cols ? [Math.floor(k / cols), k % cols] : null);
  } else if (inBlock && count === rows * (cols + 1)) {
    place = (k) => (k % (cols + 1) === cols ? null : [Math.floor(k / (cols + 1)), k % (cols + 1)]);
  }
  if (place === null) {
    return `this prompt's image block has ${positions} positions (${count} image tokens), not one ${rows}x${cols} patch grid with or without image_newline features`;
  }
  const cells = Array.from({ length: positions }, (_, k) => {
    const at = place(k);
    return at === null ? [] : [at[0] * cols + at[1]];
  });
  return { grid: [rows, cols], cells };
}

/**
 * The layout of `inputs`' image block `[start, end)`. `grid`: the manifest's token grid
 * (LLaVA's fixed view); `mergeSize`: Qwen2-VL's spatial_merge_size.
 */
export function imageLayoutOf(
  inputs: ProcessedInputs,
  imageTokenId: number,
  block: readonly [number, number],
  grid: readonly [number, number],
  mergeSize = 2,
): ImageLayout | string {
  const runs = runsOf(inputs.ids, imageTokenId, block[0], block[1]);
  if (runs.length === 0) return "the prompt's image block holds no image token";
  if (inputs.tiles) return tiledLayout(runs, inputs.tiles, block);
  const thw = inputs.imageGridThw;
  if (thw) {
    const [t, h, w] = Array.from(thw.data.subarray(0, 3), Number) as [number, number, number];
    if (t !== 1 || h % mergeSize !== 0 || w % mergeSize !== 0 || thw.dims[0] !== 1) {
      return `image_grid_thw [${t}, ${h}, ${w}] is not one image of ${mergeSize}x${mergeSize} merged patches`;
    }
    return gridLayout(runs, [h / mergeSize, w / mergeSize], block);
  }
  return gridLayout(runs, grid, block);
}
