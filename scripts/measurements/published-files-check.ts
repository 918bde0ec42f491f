/**
 * What HeadFlow's transformers.js loader makes of a published export's own text files
 * (config.json, preprocessor_config.json, processor_config.json, tokenizer.json,
 * tokenizer_config.json, chat_template.json): no weights are read, so a folder holding only
 * those files (the .onnx files may be absent or git-lfs pointers) is enough.
 *
 *   npx tsx scripts/measurements/published-files-check.ts DIR [--out FILE]
 *
 * Prints one JSON object: the derived geometry and dtype plan, the image layout the
 * processor gives square and non-square images, and the prompt's token counts (prefix,
 * image block, question + roles) for the default question. Used to check the fixtures and
 * the real-scale generator against the files as published (docs/THIRD_PARTY_MODELS.md).
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { folderReader } from "../../src/engine/node/files";
import { deriveManifest } from "../../src/engine/exports/transformers-js/config";
import { architectureOf } from "../../src/engine/exports/transformers-js/architectures";
import { VlmProcessor } from "../../src/engine/exports/transformers-js/processor";
import { DEFAULT_QUESTION } from "../../src/engine/exports/transformers-js/tokenizer";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { out: { type: "string" } },
});
const dir = positionals[0];
if (!dir) throw new Error("usage: published-files-check.ts DIR [--out FILE]");
const read = folderReader(dir);

function image(width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data.set([(i * 7) % 256, (i * 13) % 256, (i * 29) % 256, 255], i * 4);
  }
  return { width, height, data };
}

const manifest = await deriveManifest(read);
const architecture = architectureOf(manifest.modelType);
const processor = await VlmProcessor.load(read, architecture);
const imageTokenId = manifest.imageTokenId;
const layouts = [];
for (const [width, height] of [
  [512, 512],
  [1024, 1024],
  [1024, 768],
  [64, 64],
]) {
  const processed = await processor.process(image(width!, height!), DEFAULT_QUESTION);
  const ids = processed.ids;
  const first = ids.indexOf(imageTokenId);
  const last = ids.lastIndexOf(imageTokenId);
  layouts.push({
    image: `${width}x${height}`,
    promptTokens: ids.length,
    imageTokens: ids.filter((id) => id === imageTokenId).length,
    tokensBeforeImageBlock: first,
    tokensAfterImageBlock: ids.length - 1 - last,
    pixelValues: processed.pixelValues.dims,
  });
}
const result = {
  folder: dir,
  createdAt: new Date().toISOString(),
  question: DEFAULT_QUESTION,
  questionTokens: processor.encode(DEFAULT_QUESTION).length,
  manifest,
  layouts,
};
const json = JSON.stringify(result, null, 1);
if (values.out) writeFileSync(values.out, json + "\n");
process.stdout.write(json + "\n");
