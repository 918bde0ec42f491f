/** `ask`: the model's answer to a question about an image, greedy, with its top tokens. */
import { argmax } from "../ablation/targets";
import type { Headflow, NamedImage } from "../headflow";
import type { KvCache } from "../model/kv";
import type { Prefilled } from "../model/prefill";
import { ANSWER_SCHEMA, type AnswerResult } from "../results/attribution-results";
import { imageRef } from "./labels";

export interface AskOptions {
  question?: string;
  top?: number;
  maxTokens?: number;
}

export async function ask(
  model: Headflow,
  image: NamedImage,
  options: AskOptions = {},
): Promise<AnswerResult> {
  const prompt = model.prompt(options.question);
  const prefilled = await model.prefill(image, prompt);
  const { ids, firstLogits } = await generate(model, prefilled, options.maxTokens ?? 4);
  return {
    schema: ANSWER_SCHEMA,
    model: model.modelRef(),
    image: imageRef(image),
    question: prompt.question,
    answer: model.bundle.tokenizer.decode(ids),
    answerTokens: ids.map((id) => model.tokenText(id)),
    top: model.top(firstLogits, 0, options.top ?? 5),
  };
}

/** Greedy decoding from the clean cache: answer ids (without end of sequence) and the first logits. */
export async function generate(
  model: Headflow,
  prefilled: Prefilled,
  maxTokens: number,
): Promise<{ ids: number[]; firstLogits: Float32Array }> {
  const { session } = model.bundle;
  const eos = model.bundle.manifest.eosTokenId;
  let { logits, present } = await session.decode({
    embeds: prefilled.suffixEmbeds,
    batch: 1,
    length: prefilled.suffixLength,
    past: prefilled.cache,
    wantPresent: true,
    logits: "last",
  });
  const firstLogits = logits;
  const ids: number[] = [];
  for (let step = 0; step < maxTokens; step++) {
    const next = argmax(logits, 0, model.vocab);
    if (next === eos) break;
    ids.push(next);
    if (step + 1 === maxTokens) break;
    ({ logits, present } = await session.decode({
      embeds: await session.embed([next]),
      batch: 1,
      length: 1,
      past: present as KvCache,
      wantPresent: true,
      logits: "last",
    }));
  }
  return { ids, firstLogits };
}
