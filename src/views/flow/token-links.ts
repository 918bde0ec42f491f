/**
 * What lights up when the pointer (or focus) rests on a text token or an image patch in
 * the token flow view: the patches a token reads, and the tokens that read a patch, by the
 * clean run's mean attention (the engine's textToImageAttention). Pure, so the highlighting
 * is tested without a browser.
 */
import { max as largest } from "d3";
import type { FlowResult, TokenAttention, TokenGroup } from "../../engine";

export interface TextToken {
  /** Absolute prompt position. */
  position: number;
  text: string;
  group: Exclude<TokenGroup, "imageObject" | "imageBackground">;
}

/** The prompt's text tokens (everything but the image), in order, with their groups. */
export function textTokens(result: FlowResult): TextToken[] {
  const groupOf = new Map<number, TokenGroup>();
  for (const [group, positions] of Object.entries(result.groups)) {
    for (const p of positions) groupOf.set(p, group as TokenGroup);
  }
  return result.promptTokens.flatMap((text, position) => {
    const group = groupOf.get(position);
    return group === undefined || group === "imageObject" || group === "imageBackground"
      ? []
      : [{ position, text, group }];
  });
}

/** Scales values to [0, 1] by their largest; all zeros (or none positive) stay zero. */
export function relativeToMax(values: readonly number[]): number[] {
  const max = Math.max(0, largest(values) ?? 0);
  return values.map((v) => (max > 0 ? Math.max(0, v) / max : 0));
}

/** The attention row of the token at `position`, or null when it reads no patch (prefix). */
export function patchesReadBy(attention: TokenAttention, position: number): number[] | null {
  const row = attention.positions.indexOf(position);
  return row < 0 ? null : attention.attention[row]!;
}

/** Per text position that reads the image: its attention to `patch`. */
export function readersOf(attention: TokenAttention, patch: number): Map<number, number> {
  return new Map(attention.positions.map((p, row) => [p, attention.attention[row]![patch] ?? 0]));
}

/**
 * Brightness per token for a hovered patch, scaled by the most attentive token: tokens
 * before the image (never reading it) get 0.
 */
export function tokenLights(
  attention: TokenAttention,
  patch: number,
  tokens: readonly TextToken[],
): Map<number, number> {
  const readers = readersOf(attention, patch);
  const values = tokens.map((t) => readers.get(t.position) ?? 0);
  const lights = relativeToMax(values);
  return new Map(tokens.map((t, i) => [t.position, lights[i]!]));
}
