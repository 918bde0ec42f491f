/**
 * One error type for everything the user can get wrong (a bad image, an unknown word, a
 * missing model file). Front ends print `message` as a one-line error; `code` lets them
 * branch without parsing text.
 */
export type HeadflowErrorCode =
  "bad-argument" | "bad-image" | "bad-question" | "bad-model" | "cancelled" | "out-of-memory";

export class HeadflowError extends Error {
  readonly code: HeadflowErrorCode;

  constructor(code: HeadflowErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "HeadflowError";
    this.code = code;
  }
}

/** The message of any thrown value, on one line. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, " ").trim();
}
