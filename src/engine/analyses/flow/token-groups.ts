/**
 * Token groups of a prompt for the token-level flow analysis (docs/PAPER.md, "Token-level
 * flow"), defined from the chat layout `<prefix> <image> <question> <roles> <final>`:
 *
 * - `prefix`: every position before the image (BOS, system text, the user role `USER :`);
 * - `imageObject` / `imageBackground`: the image positions split by an object mask over
 *   the patch grid (object patches vs the rest);
 * - `question`: the text between the image and the trailing role tokens;
 * - `role`: the trailing role tokens (the assistant turn, e.g. `ASSISTANT`), except the
 *   last position;
 * - `final`: the last prompt position (e.g. the `:` after ASSISTANT), whose logits give
 *   the answer.
 *
 * The trailing role tokens are the longest tail of the manifest's `roleTokens` that the
 * prompt ends with (for `["USER", ":", "ASSISTANT", ":"]` and a prompt ending in
 * `... word . ASSISTANT :` that is `ASSISTANT :`). Groups are disjoint and cover the prompt.
 */
import type { Prompt } from "../../model/tokenize";

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
 * The groups of `prompt`. `objectPatches[p]` says whether image patch p (row-major over
 * the patch grid, the order of the image tokens) shows the object.
 */
export function tokenGroups(
  prompt: Prompt,
  roleTokens: readonly string[],
  objectPatches: readonly boolean[],
): TokenGroups {
  const { imageStart, imageEnd, tokens } = prompt;
  if (objectPatches.length !== imageEnd - imageStart) {
    throw new Error(
      `tokenGroups: the object mask has ${objectPatches.length} patches, the image ${imageEnd - imageStart}`,
    );
  }
  const range = (from: number, to: number) =>
    Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  const last = tokens.length - 1;
  const roles = trailingRoleCount(tokens, imageEnd, roleTokens);
  const roleStart = tokens.length - Math.max(roles, 1);
  const image = range(imageStart, imageEnd);
  return {
    prefix: range(0, imageStart),
    imageObject: image.filter((_, p) => objectPatches[p]),
    imageBackground: image.filter((_, p) => !objectPatches[p]),
    question: range(imageEnd, roleStart),
    role: range(roleStart, last),
    final: [last],
  };
}
