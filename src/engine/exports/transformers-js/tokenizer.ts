/**
 * The tokenizer face the shared Headflow front door expects (tokenize.ts' PromptTokenizer),
 * over the export's own transformers.js tokenizer and chat template.
 *
 * `encodePrompt` knows only the question, not the image, while the Idefics3 layout depends
 * on the image's size. It expands the image for the explorer's nominal square input (what
 * the browser always hands over); analyses re-run the processor on the real image
 * (ThirdPartyHeadflow.prefill), so other sizes are handled there.
 */
import { HeadflowError } from "../../errors";
import { MAX_QUESTION_CHARS, type Prompt } from "../../model/tokenize";
import type { VlmProcessor } from "./processor";

export const DEFAULT_QUESTION = "What is the main object in the image? Answer with one word.";

export class ThirdPartyTokenizer {
  private readonly processor: VlmProcessor;
  private readonly imageTokenId: number;
  private readonly maxPositions: number;
  /** The ids the processor puts in place of the one image token for the nominal input. */
  private readonly nominalImage: number[];

  constructor(
    processor: VlmProcessor,
    imageTokenId: number,
    maxPositions: number,
    nominal: { question: string; ids: number[] },
  ) {
    this.processor = processor;
    this.imageTokenId = imageTokenId;
    this.maxPositions = maxPositions;
    const plain = processor.encode(processor.chatText(nominal.question));
    const at = plain.indexOf(imageTokenId);
    if (at < 0) {
      throw new HeadflowError(
        "bad-model",
        "the chat template does not place an image token for an image message",
      );
    }
    this.nominalImage = nominal.ids.slice(at, at + nominal.ids.length - plain.length + 1);
  }

  defaultQuestion(): string {
    return DEFAULT_QUESTION;
  }

  /** A word's id: the token itself, or the word as one token after a space. */
  tokenId(word: string): number | undefined {
    for (const text of [word, ` ${word}`]) {
      const ids = this.processor.encode(text);
      if (ids.length === 1) return ids[0];
    }
    return this.processor.tokenId(word);
  }

  tokenText(id: number): string {
    return this.processor.decode([id], false);
  }

  decode(ids: number[]): string {
    return this.processor.decode(ids, true);
  }

  /** Checks a question the way the built-in tokenizer does. */
  checkQuestion(question: string): string {
    const text = question.replace(/\s+/g, " ").trim();
    if (text.length === 0) throw new HeadflowError("bad-question", "the question is empty");
    if (text.length > MAX_QUESTION_CHARS) {
      throw new HeadflowError(
        "bad-question",
        `the question is too long: ${text.length} characters, the limit is ${MAX_QUESTION_CHARS}`,
      );
    }
    return text;
  }

  checkLength(ids: readonly number[]): void {
    if (ids.length > this.maxPositions) {
      throw new HeadflowError(
        "bad-question",
        `the question is too long: the prompt has ${ids.length} tokens, the model reads at most ${this.maxPositions}`,
      );
    }
  }

  encodePrompt(question: string): Prompt {
    const text = this.checkQuestion(question);
    const plain = this.processor.encode(this.processor.chatText(text));
    const at = plain.indexOf(this.imageTokenId);
    const ids = [...plain.slice(0, at), ...this.nominalImage, ...plain.slice(at + 1)];
    this.checkLength(ids);
    const start = ids.indexOf(this.imageTokenId);
    return {
      question: text,
      ids,
      tokens: ids.map((id) => this.tokenText(id)),
      imageStart: start,
      imageEnd: ids.lastIndexOf(this.imageTokenId) + 1,
    };
  }
}
