/**
 * User text quoted in an error message, with every character that could hide or reorder
 * the message made visible: bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE would
 * flip the rest of the line), zero-width and other invisible format characters, C0/C1
 * controls and line separators are written as \uXXXX escapes. Ordinary text in any
 * script stays as it is.
 */
const HIDDEN =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

const escape = (char: string) =>
  `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

/** `text` in double quotes, quotes and backslashes escaped, hidden characters as \uXXXX. */
export function quoteVisibly(text: string): string {
  const escaped = text.replace(/["\\]/g, (c) => `\\${c}`).replace(HIDDEN, escape);
  return `"${escaped}"`;
}
