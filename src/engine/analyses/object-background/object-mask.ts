/**
 * Which image patches show the object, as a boolean per patch (row-major over the patch
 * grid, the order of the image tokens). Three sources:
 * - scene metadata: a bundled sample's `patchCoverage` (the main object's alpha coverage
 *   of each patch), thresholded at DEFAULT_COVERAGE_THRESHOLD;
 * - a user mask: patch indices (`3,4,11`) or a grid of 0/1 rows (`00110000/00110000/...`);
 * - a threshold on a per-patch contribution map (patches.ts): patches whose contribution
 *   reaches a fraction of the largest one.
 */
import { HeadflowError } from "../../errors";

/**
 * A patch belongs to the object when the object covers at least half of it: the patch
 * then shows more object than background, so "object patch" means what it says, and each
 * patch lands on exactly one side.
 */
export const DEFAULT_COVERAGE_THRESHOLD = 0.5;

/** A contribution-map patch is an object patch at >= half the largest contribution. */
export const DEFAULT_CONTRIBUTION_THRESHOLD = 0.5;

export type ObjectMaskSource = "scene" | "mask" | "contribution";

export function maskFromCoverage(
  coverage: readonly number[],
  patches: number,
  threshold = DEFAULT_COVERAGE_THRESHOLD,
): boolean[] {
  if (coverage.length !== patches) {
    throw new HeadflowError(
      "bad-argument",
      `the scene's patchCoverage has ${coverage.length} entries, the model's image has ${patches} patches`,
    );
  }
  return coverage.map((c) => c >= threshold);
}

/**
 * Parses a user mask: comma-separated patch indices, or `rows` strings of `cols` 0/1
 * characters separated by `/` or newlines.
 */
export function parseObjectMask(text: string, grid: readonly [number, number]): boolean[] {
  const [rows, cols] = grid;
  const patches = rows * cols;
  const trimmed = text.trim();
  if (/^[01]+([/\n\r]+[01]+)*$/.test(trimmed) && /[/\n]/.test(trimmed)) {
    const lines = trimmed.split(/[/\r\n]+/);
    if (lines.length !== rows || lines.some((line) => line.length !== cols)) {
      throw new HeadflowError(
        "bad-argument",
        `the object mask grid must be ${rows} rows of ${cols} 0/1 characters separated by /`,
      );
    }
    return lines
      .join("")
      .split("")
      .map((c) => c === "1");
  }
  const mask = new Array<boolean>(patches).fill(false);
  const parts = trimmed
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new HeadflowError("bad-argument", "the object mask is empty");
  for (const part of parts) {
    const index = Number(part);
    if (!/^\d+$/.test(part) || index >= patches) {
      throw new HeadflowError(
        "bad-argument",
        `bad object patch "${part}": patches are 0..${patches - 1}, row-major over the ${rows}x${cols} grid`,
      );
    }
    mask[index] = true;
  }
  return mask;
}

/** Patches whose contribution reaches `fraction` of the largest (positive) contribution. */
export function maskFromContributions(
  contributions: readonly number[],
  fraction = DEFAULT_CONTRIBUTION_THRESHOLD,
): boolean[] {
  if (!(fraction > 0 && fraction <= 1)) {
    throw new HeadflowError(
      "bad-argument",
      `the contribution threshold must lie in (0, 1] (got ${fraction})`,
    );
  }
  // A loop, not Math.max(...contributions): a spread of a large array overflows the stack.
  let max = -Infinity;
  for (const c of contributions) {
    if (Number.isNaN(c)) return contributions.map(() => false);
    if (c > max) max = c;
  }
  if (!(max > 0)) return contributions.map(() => false);
  return contributions.map((c) => c >= fraction * max);
}

export function patchIndices(mask: readonly boolean[]): number[] {
  return mask.flatMap((on, p) => (on ? [p] : []));
}
