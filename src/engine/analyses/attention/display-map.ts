/**
 * A per-position row over the image block (one head's attention, say) as a map on the
 * image's display grid (model/image-layout.ts), for drawing over the image: on an image
 * layout each covering position's value is spread evenly over its cells and the tokens
 * between tiles are left out, as in the contribution map (layout-regions.ts); without one
 * the row is the patch grid itself when it has one value per patch.
 */
import type { Prefilled } from "../../model/prefill";
import { coveringOffsets, spreadOverCells } from "../object-background/layout-regions";

export interface DisplayMap {
  grid: [number, number];
  /** Row-major over `grid`. */
  values: Float64Array;
}

/** Null when the block has no layout and is not one `grid` of positions. */
export function displayMap(
  row: ArrayLike<number>,
  prefilled: Prefilled,
  grid: readonly [number, number],
): DisplayMap | null {
  const layout = prefilled.imageLayout;
  if (typeof layout === "object") {
    const values = spreadOverCells(
      layout,
      coveringOffsets(layout).map((k) => row[k]!),
    );
    return { grid: [...layout.grid], values: Float64Array.from(values) };
  }
  const [rows, cols] = grid;
  if (row.length !== rows * cols) return null;
  return { grid: [rows, cols], values: Float64Array.from(row) };
}
