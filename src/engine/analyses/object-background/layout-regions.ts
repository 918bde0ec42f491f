/**
 * Object, background and per-cell maps over an image layout (model/image-layout.ts): the
 * object mask lives on the display grid; the knockouts act on image-block positions.
 *
 * - object: every position covering at least one object cell. A position covering both
 *   (a global-view token over the object's edge) counts as object, so knocking out the
 *   object leaves the text no position that shows any of it;
 * - background: every position covering cells, all of them background;
 * - between: positions covering no cell (tokens between tiles, an image_newline); they
 *   belong to the whole image only.
 * With the identity layout, object and background are the mask's patches and its rest.
 */
import { HeadflowError } from "../../errors";
import type { ImageLayout } from "../../model/image-layout";

export interface LayoutRegions {
  /** Offsets into the image block (position - imageStart), ascending. */
  object: number[];
  background: number[];
  between: number[];
}

export function layoutRegions(layout: ImageLayout, objectCells: readonly boolean[]): LayoutRegions {
  const regions: LayoutRegions = { object: [], background: [], between: [] };
  layout.cells.forEach((cells, offset) => {
    if (cells.length === 0) regions.between.push(offset);
    else if (cells.some((cell) => objectCells[cell] === true)) regions.object.push(offset);
    else regions.background.push(offset);
  });
  return regions;
}

/** Offsets of the positions that cover at least one cell (those a cell map is made of). */
export function coveringOffsets(layout: ImageLayout): number[] {
  return layout.cells.flatMap((cells, offset) => (cells.length > 0 ? [offset] : []));
}

/**
 * Per display cell, the sum over the positions covering it of the position's value divided
 * by the number of cells the position covers: each position's value is spread evenly over
 * its cells, so the map's total is the covering positions' total (a global-view token's
 * drop is shared by its block of the mosaic, a tile token's lands on its own cell).
 * `values[k]` belongs to the k-th of coveringOffsets(layout).
 */
export function spreadOverCells(layout: ImageLayout, values: readonly number[]): number[] {
  const [rows, cols] = layout.grid;
  const map = new Array<number>(rows * cols).fill(0);
  const offsets = coveringOffsets(layout);
  if (values.length !== offsets.length) {
    throw new Error(
      `spreadOverCells: ${values.length} values for ${offsets.length} covering positions`,
    );
  }
  offsets.forEach((offset, k) => {
    const cells = layout.cells[offset]!;
    for (const cell of cells) map[cell]! += values[k]! / cells.length;
  });
  return map;
}

/**
 * A per-cell list (mask or coverage) given on another grid, carried to `to` by nearest
 * cell: display cell (r, c) takes the source cell under its centre. Used when a mask was
 * drawn on the model's nominal grid and this image's display grid differs (a tiled
 * image); on the same grid it is a copy.
 */
export function onGrid<T>(
  values: readonly T[],
  from: readonly [number, number],
  to: readonly [number, number],
  what: string,
): T[] {
  const [fromRows, fromCols] = from;
  if (values.length !== fromRows * fromCols) {
    throw new HeadflowError(
      "bad-argument",
      `${what} has ${values.length} patches, the ${fromRows}x${fromCols} grid ${fromRows * fromCols}`,
    );
  }
  const [rows, cols] = to;
  return Array.from({ length: rows * cols }, (_, cell) => {
    const r = Math.floor(((Math.floor(cell / cols) + 0.5) * fromRows) / rows);
    const c = Math.floor((((cell % cols) + 0.5) * fromCols) / cols);
    return values[r * fromCols + c]!;
  });
}
