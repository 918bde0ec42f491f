/**
 * Limits on what a result JSON (a permalink, an imported file) may declare. They are far
 * above any model HeadFlow runs (the bundled model has 8 x 8 heads) and low enough that no
 * view, grid or loop sized from the file can freeze the page or exhaust memory: every size
 * a file states is checked against these and against the arrays it actually carries.
 * docs/PERMALINK.md lists them.
 */
import { z } from "zod";

export const MAX_LAYERS = 256;
export const MAX_HEADS = 256;
/** layers x heads: the cells of a head grid. */
export const MAX_HEAD_CELLS = 16_384;
export const MAX_PROMPT_TOKENS = 4096;
/** Rows or columns of an image's patch grid. */
export const MAX_PATCH_GRID_SIDE = 64;
/** Width or height of an image a result names. */
export const MAX_IMAGE_SIDE = 100_000;
/** Images in a sets result (its similarity matrix is images x images). */
export const MAX_SET_IMAGES = 2000;
/** Rankings of an evaluation (attribution, attention, single head and random seeds). */
export const MAX_RANKINGS = 1000;
/** Top tokens listed with an answer. */
export const MAX_TOP_TOKENS = 1000;
/** Token ids and other counters a file may state. */
export const MAX_COUNT = 2 ** 31 - 1;

/** A finite number (zod rejects NaN and infinities) small enough to stay finite in sums. */
export const finite = () => z.number().min(-1e300).max(1e300);
/** A non-negative integer counter. */
export const count = () => z.number().int().min(0).max(MAX_COUNT);
/** A correlation, allowing for rounding just past ±1. */
export const correlation = () =>
  z
    .number()
    .min(-1 - 1e-9)
    .max(1 + 1e-9);
/** A probability, allowing for rounding just past 0 and 1. */
export const probability = () =>
  z
    .number()
    .min(-1e-9)
    .max(1 + 1e-9);

/** What a check of a declared grid adds to a zod refinement. */
export interface Issue {
  path: (string | number)[];
  message: string;
}

/** Layers and heads within the limits, and layers x heads within MAX_HEAD_CELLS. */
export function checkHeadGeometry(layers: number, heads: number, path: string[] = []): Issue[] {
  if (layers < 1 || layers > MAX_LAYERS) {
    return [
      { path: [...path, "layers"], message: `layers must be 1..${MAX_LAYERS} (got ${layers})` },
    ];
  }
  if (heads < 1 || heads > MAX_HEADS) {
    return [{ path: [...path, "heads"], message: `heads must be 1..${MAX_HEADS} (got ${heads})` }];
  }
  if (layers * heads > MAX_HEAD_CELLS) {
    return [
      {
        path: [...path, "heads"],
        message: `layers x heads must be at most ${MAX_HEAD_CELLS} (got ${layers} x ${heads})`,
      },
    ];
  }
  return [];
}

/** An array of exactly `rows` rows of exactly `columns` entries. */
export function checkGrid(
  grid: readonly (readonly unknown[])[],
  rows: number,
  columns: number,
  path: (string | number)[],
  what: string,
): Issue[] {
  if (grid.length !== rows) {
    return [{ path, message: `${what} must have ${rows} rows (got ${grid.length})` }];
  }
  for (let row = 0; row < rows; row++) {
    if (grid[row]!.length !== columns) {
      return [
        {
          path: [...path, row],
          message: `${what} must have ${columns} entries per row (row ${row} has ${grid[row]!.length})`,
        },
      ];
    }
  }
  return [];
}

/** An array of exactly `length` entries. */
export function checkLength(
  array: readonly unknown[],
  length: number,
  path: (string | number)[],
  what: string,
): Issue[] {
  return array.length === length
    ? []
    : [{ path, message: `${what} must have ${length} entries (got ${array.length})` }];
}

/** Integers in [0, size). */
export function checkIndices(
  indices: readonly number[],
  size: number,
  path: (string | number)[],
  what: string,
): Issue[] {
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (index < 0 || index >= size) {
      return [{ path: [...path, i], message: `${what} ${index} is outside 0..${size - 1}` }];
    }
  }
  return [];
}

/** Reports issues to a zod refinement context. */
export function report(
  context: {
    addIssue: (issue: { code: "custom"; path: (string | number)[]; message: string }) => void;
  },
  issues: Issue[],
): void {
  for (const issue of issues) context.addIssue({ code: "custom", ...issue });
}
