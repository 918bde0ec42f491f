/**
 * How many tokens the real-scale model's tokenizer (scripts/fixtures/make-real-scale-smolvlm.py)
 * gives the default question and the text after the image, through the engine's own
 * processor (transformers.js over the export's tokenizer.json and chat template). The
 * mask runs of an ablation run these positions, so the count sets their cost.
 *
 *     /usr/bin/python3 scripts/fixtures/make-real-scale-smolvlm.py /tmp/rs --text-only
 *     npx tsx scripts/measurements/real-scale-token-count.ts /tmp/rs
 */
import { folderReader } from "../../src/engine/node";
import { architectureOf } from "../../src/engine/exports/transformers-js/architectures";
import { VlmProcessor } from "../../src/engine/exports/transformers-js/processor";
import { DEFAULT_QUESTION } from "../../src/engine/exports/transformers-js/tokenizer";

const dir = process.argv[2] ?? ".cache/real-scale/smolvlm-256m-random";
const processor = await VlmProcessor.load(folderReader(dir), architectureOf("idefics3"));
const question = processor.encode(DEFAULT_QUESTION);
const chat = processor.encode(processor.chatText(DEFAULT_QUESTION));
const image = 49190; // <image>, make-real-scale-smolvlm.py's IMAGE_TOKEN_ID
const after = chat.slice(chat.lastIndexOf(image) + 1);
const show = (ids: number[]) => ids.map((id) => JSON.stringify(processor.decode([id], false)));
console.log(`question: ${question.length} tokens: ${show(question).join(" ")}`);
// The processor expands <image> into tiles, each closed by <fake_token_around_image>: the
// engine's suffix (after the image block) is these tokens plus that closing one.
console.log(
  `after the <image> token: ${after.length} tokens (suffix after the image block: ${after.length + 1} positions): ${show(after).join(" ")}`,
);
