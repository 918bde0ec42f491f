/**
 * Token groups of a prompt for the token-level flow analysis (docs/PAPER.md, "Token-level
 * flow"), defined from the chat layout `<prefix> <image> <question> <roles> <final>`:
 *
 * - `prefix`: every position before the image (BOS, system text, the user role `USER :`);
 * - `imageObject` / `imageBackground`: the image positions split by an object mask over
 *   the display grid of the image layout (model/image-layout.ts, layout-regions.ts):
 *   positions covering an object cell vs positions covering only background cells (with
 *   one patch grid: the object patches vs the rest);
 * - `question`: the text between the image and the trailing role tokens;
 * - `role`: the trailing role tokens (the assistant turn, e.g. `ASSISTANT`), except the
 *   last position;
 * - `final`: the last prompt position (e.g. the `:` after ASSISTANT), whose logits give
 *   the answer.
 *
 * The trailing role tokens are the longest tail of the manifest's `roleTokens` that the
 * prompt ends with (for `["USER", ":", "ASSISTANT", ":"]` and a prompt ending in
 * `... word . ASSISTANT :` that is `ASSISTANT :`). Groups are disjoint and cover the prompt,
 * except positions of the image block that cover no cell (tokens between tiles, an
 * image_newline): they belong to the image as a whole, which no group stands for.
 */
import type { ImageLayout } from "../../model/image-layout";
import type { Prompt } from "../../model/tokenize";
import { layoutRegions } from "../object-background/layout-regions";

export const TOKEN_GROUPS = [
  "prefix",
  "imageObject",
  "imageBackground",
  "question",
  "role",
  "final",
] as const;
export type TokenGroup = (typeof TOKEN_GROUPS)[number];

export type TokenGroups = Record<TokenGroup, number[]>;

/** Number of trailing prompt tokens that equal a tail of `roleTokens`. */
export function trailingRoleCount(
  tokens: readonly string[],
  from: number,
  roleTokens: readonly string[],
): number {
  const available = tokens.length - from;
  for (let n = Math.min(roleTokens.length, available); n > 0; n--) {
    const tail = roleTokens.slice(roleTokens.length - n);
    if (tail.every((token, i) => tokens[tokens.length - n + i] === token)) return n;
  }
  return 0;
}

/**
 * The groups of `prompt`. `objectCells[c]` says whether cell c of the layout's display
 * grid (row-major) shows the object.
 */
export function tokenGroups(
  prompt: Prompt,
  roleTokens: readonly string[],
  layout: ImageLayout,
  objectCells: readonly boolean[],
): TokenGroups {
  const { imageStart, imageEnd, tokens } = prompt;
  const [rows, cols] = layout.grid;
  if (objectCells.length !== rows * cols || layout.cells.length !== imageEnd - imageStart) {
    throw new Error(
      `tokenGroups: the object mask has ${objectCells.length} cells and the layout ${layout.cells.length} positions, for a ${rows}x${cols} grid and an image of ${imageEnd - imageStart}`,
    );
  }
  const range = (from: number, to: number) =>
    Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  const last = tokens.length - 1;
  const roles = trailingRoleCount(tokens, imageEnd, roleTokens);
  const roleStart = tokens.length - Math.max(roles, 1);
  const regions = layoutRegions(layout, objectCells);
  return {
    prefix: range(0, imageStart),
    imageObject: regions.object.map((k) => imageStart + k),
    imageBackground: regions.background.map((k) => imageStart + k),
    question: range(imageEnd, roleStart),
    role: range(roleStart, last),
    final: [last],
  };
}
