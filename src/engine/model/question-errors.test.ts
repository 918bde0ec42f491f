/** Question errors echo the user's words readably: nothing hidden, nothing reordered. */
import { beforeAll, describe, expect, it } from "vitest";
import { loadBundle, type Bundle } from "./bundle";
import { folderReader, NODE_SESSION_OPTIONS, ort } from "../node";

let bundle: Bundle;

beforeAll(async () => {
  bundle = await loadBundle(folderReader("public/models/emoji-vlm"), ort, {
    sessionOptions: NODE_SESSION_OPTIONS,
  });
});

/** The message `question` is refused with. */
function refusal(question: string): string {
  try {
    bundle.tokenizer.encodePrompt(question);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted: ${question}`);
}

describe("unknown words in a question", () => {
  it("shows a right-to-left override as \\u202E instead of letting it flip the message", () => {
    const message = refusal("Is there a \u202Etac in the image?");
    expect(message).toMatch(/^unknown words in the question: "\\u202Etac"/);
    expect(message).not.toMatch(/\p{Bidi_Control}/u);
  });

  it("shows zero-width and isolate characters hidden inside a word", () => {
    const message = refusal("Is there a c\u200Bat in the \u2067image\u2069?");
    expect(message).not.toMatch(/[\u200B\u2067\u2069]/);
    expect(message).toContain("\\u200B");
  });

  it("keeps ordinary unknown words as they were", () => {
    expect(refusal("Is there a wombat in the image?")).toMatch(
      /^unknown words in the question: "wombat"; the model knows only its training vocabulary$/,
    );
  });
});
