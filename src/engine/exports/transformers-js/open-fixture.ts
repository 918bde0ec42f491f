/**
 * Test support: a third-party fixture export opened as the tests open it, with
 * onnxruntime-node and the Node image decoder (src/engine/node), and tiny-llava with its
 * float16 graphs beside the float32 ones. Reads files with node:fs: import it from tests
 * only.
 */
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import type { ReadFile } from "../../model/files";
import { folderReader, NODE_SESSION_OPTIONS, nodeImageDecoder } from "../../node";
import { loadThirdParty, type ThirdPartyLoadOptions } from "./load";
import type { ThirdPartyHeadflow } from "./third-party-headflow";

/** The folder of a tiny fixture export (scripts/fixtures/make-tiny-*.py). */
export const fixtureFolder = (name: string) => `e2e/fixtures/models/${name}`;

/** `read`'s export on onnxruntime-node's CPU session options; `options` add to them. */
export function openFixture(
  read: ReadFile,
  options: ThirdPartyLoadOptions = {},
): Promise<ThirdPartyHeadflow> {
  return loadThirdParty(read, ort, nodeImageDecoder, {
    sessionOptions: NODE_SESSION_OPTIONS,
    ...options,
  });
}

const FP16_VARIANTS = "src/engine/exports/transformers-js/fixtures/tiny-llava-dtypes/onnx";

/** tiny-llava with its float16 graphs (scripts/fixtures/make-dtype-fixtures.py) added. */
export function tinyLlavaWithFp16(): ReadFile {
  const read = folderReader(fixtureFolder("tiny-llava"));
  const files = new Map(
    ["vision_encoder_fp16", "embed_tokens_fp16", "decoder_model_merged_fp16"].map((name) => [
      `onnx/${name}.onnx`,
      new Uint8Array(readFileSync(`${FP16_VARIANTS}/${name}.onnx`)),
    ]),
  );
  return async (path) => files.get(path) ?? read(path);
}
