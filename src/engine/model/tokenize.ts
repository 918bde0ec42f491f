/**
 * Question -> prompt token ids, in the chat layout the model was trained on
 * (docs/BUNDLE.md): `USER : <image> x N_img <question words> ASSISTANT :`.
 */
import { Tokenizer } from "@huggingface/tokenizers";
import { HeadflowError } from "../errors";
import { quoteVisibly } from "./visible-text";
import type { Manifest } from "./manifest";

/** Longest question accepted, in characters (a guard against pasted documents). */
export const MAX_QUESTION_CHARS = 500;

/** A tokenised prompt: prefix, image placeholder positions, then the text after the image. */
export interface Prompt {
  question: string;
  ids: number[];
  tokens: string[];
  /** First and one-past-last position of the image tokens. */
  imageStart: number;
  imageEnd: number;
}

export class PromptTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly manifest: Manifest;
  private readonly maxPositions: number;

  constructor(
    tokenizerJson: object,
    tokenizerConfig: object,
    manifest: Manifest,
    maxPositions: number,
  ) {
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    this.manifest = manifest;
    this.maxPositions = maxPositions;
  }

  /** The default question: the main-object question type (the first in the manifest). */
  defaultQuestion(): string {
    const object = this.manifest.questions.find((q) => q.id === "object");
    return (object ?? this.manifest.questions[0]!).template;
  }

  tokenId(word: string): number | undefined {
    return this.tokenizer.token_to_id(word);
  }

  tokenText(id: number): string {
    return this.tokenizer.id_to_token(id) ?? `<${id}>`;
  }

  /** Greedy-decoded ids back to text, without special tokens. */
  decode(ids: number[]): string {
    return this.tokenizer.decode(ids, { skip_special_tokens: true });
  }

  encodePrompt(question: string): Prompt {
    const text = question.replace(/\s+/g, " ").trim();
    if (text.length === 0) throw new HeadflowError("bad-question", "the question is empty");
    if (text.length > MAX_QUESTION_CHARS) {
      throw new HeadflowError(
        "bad-question",
        `the question is too long: ${text.length} characters, the limit is ${MAX_QUESTION_CHARS}`,
      );
    }
    const [before, after] = splitTemplate(this.manifest.chatTemplate);
    const prefix = this.encodeText(before);
    const suffix = this.encodeText(after.replace("{question}", text));
    this.rejectUnknownWords(text);
    const { imageTokenId, bosTokenId } = this.manifest;
    const imageTokens = this.manifest.image.tokens;
    const head = bosTokenId === null ? [] : [bosTokenId];
    const imageStart = head.length + prefix.length;
    const ids = [
      ...head,
      ...prefix,
      ...new Array<number>(imageTokens).fill(imageTokenId),
      ...suffix,
    ];
    if (ids.length > this.maxPositions) {
      throw new HeadflowError(
        "bad-question",
        `the question is too long: the prompt has ${ids.length} tokens, the model reads at most ${this.maxPositions}`,
      );
    }
    return {
      question: text,
      ids,
      tokens: ids.map((id) => this.tokenText(id)),
      imageStart,
      imageEnd: imageStart + imageTokens,
    };
  }

  private encodeText(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /**
   * A word-level vocabulary maps every unseen word to <unk>, which would silently change
   * the question; refuse instead and name the words.
   */
  private rejectUnknownWords(question: string): void {
    const { normalizer, pre_tokenizer: preTokenizer } = this.tokenizer;
    const normalized = normalizer ? normalizer.normalize(question) : question;
    const words = preTokenizer ? preTokenizer.pre_tokenize(normalized) : normalized.split(/\s+/);
    const unknown = [...new Set(words.filter((word) => this.tokenId(word) === undefined))];
    const ids = this.encodeText(question);
    if (unknown.length === 0 && ids.includes(this.manifest.unkTokenId)) unknown.push(question);
    if (unknown.length > 0) {
      const named = unknown.map((word) => {
        const other = this.otherCasing(word);
        return other
          ? `${quoteVisibly(word)} (did you mean ${quoteVisibly(other)}?)`
          : quoteVisibly(word);
      });
      throw new HeadflowError(
        "bad-question",
        `unknown words in the question: ${named.join(", ")}; the model knows only its training vocabulary`,
      );
    }
  }

  /** A known spelling of `word` that differs only in letter case (vocabularies are case-sensitive). */
  private otherCasing(word: string): string | undefined {
    const lower = word.toLowerCase();
    const candidates = [lower, lower.charAt(0).toUpperCase() + lower.slice(1), word.toUpperCase()];
    return candidates.find(
      (candidate) => candidate !== word && this.tokenId(candidate) !== undefined,
    );
  }
}

function splitTemplate(template: string): [string, string] {
  const at = template.indexOf("<image>");
  return [template.slice(0, at), template.slice(at + "<image>".length)];
}
