/**
 * The image layout (src/engine/model/image-layout.ts) the engine derives for a folder's
 * processor at several image sizes: display grid, image-block positions, how many cover
 * one cell (tile tokens), several (global-view tokens) or none (separators), and the
 * single-position knockouts the contribution map runs. Reads only the text files (no
 * weights), like published-files-check.ts:
 *
 *   npx tsx scripts/measurements/image-layouts.ts DIR
 */
import { parseArgs } from "node:util";
import { folderReader } from "../../src/engine/node/files";
import { deriveManifest } from "../../src/engine/exports/transformers-js/config";
import { architectureOf } from "../../src/engine/exports/transformers-js/architectures";
import { VlmProcessor } from "../../src/engine/exports/transformers-js/processor";
import { DEFAULT_QUESTION } from "../../src/engine/exports/transformers-js/tokenizer";
import { imageLayoutOf } from "../../src/engine/exports/transformers-js/image-layout-of";
import { imageBlock } from "../../src/engine/exports/transformers-js/processed-prefill";
import { checkLayout } from "../../src/engine/model/image-layout";

const { positionals } = parseArgs({ allowPositionals: true });
const dir = positionals[0];
if (!dir) throw new Error("usage: image-layouts.ts DIR");
const read = folderReader(dir);
const manifest = await deriveManifest(read);
const processor = await VlmProcessor.load(read, architectureOf(manifest.modelType), manifest.rope);

function image(width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  return { width, height, data };
}

const rows = [];
for (const [width, height] of [
  [512, 512],
  [1024, 768],
  [768, 1024],
  [2048, 2048],
  [300, 200],
] as const) {
  const inputs = await processor.process(image(width, height), DEFAULT_QUESTION);
  const block = imageBlock(inputs.ids, manifest.imageTokenId);
  const layout = imageLayoutOf(
    inputs,
    manifest.imageTokenId,
    block,
    manifest.tokenGrid,
    manifest.rope?.vision_config.spatial_merge_size,
  );
  if (typeof layout === "string") {
    rows.push({ image: `${width}x${height}`, refused: layout });
    continue;
  }
  checkLayout(layout, block[1] - block[0]);
  const count = (test: (n: number) => boolean) => layout.cells.filter((c) => test(c.length)).length;
  rows.push({
    image: `${width}x${height}`,
    tiles: inputs.tiles ?? null,
    grid: layout.grid,
    positions: block[1] - block[0],
    oneCell: count((n) => n === 1),
    severalCells: count((n) => n > 1),
    noCell: count((n) => n === 0),
    mapKnockouts: count((n) => n > 0),
  });
}
process.stdout.write(
  JSON.stringify({ folder: dir, modelType: manifest.modelType, rows }, null, 1) + "\n",
);
