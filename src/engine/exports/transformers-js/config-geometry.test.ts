/**
 * config.json fields left at transformers' defaults, and the decoder graph's own
 * geometry checked against config.json, on the tiny-llava fixture.
 */
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import type { ReadFile } from "../../model/files";
import { folderReader, NODE_SESSION_OPTIONS, nodeImageDecoder } from "../../node";
import { configDefaults } from "./config-defaults";
import { loadThirdParty } from "./load";

const FOLDER = "e2e/fixtures/models/tiny-llava";
type Json = Record<string, unknown>;
const config = () => JSON.parse(readFileSync(`${FOLDER}/config.json`, "utf8")) as Json;

/** tiny-llava with its config.json's text_config changed by `edit`. */
function withText(edit: (text: Json) => void): ReadFile {
  const read = folderReader(FOLDER);
  const changed = config();
  edit(changed["text_config"] as Json);
  return async (path) =>
    path === "config.json" ? new TextEncoder().encode(JSON.stringify(changed)) : read(path);
}

const load = (read: ReadFile) =>
  loadThirdParty(read, ort, nodeImageDecoder, { sessionOptions: NODE_SESSION_OPTIONS });

describe("config defaults", () => {
  it("fills what llava-1.5's published text_config omits, from LlamaConfig", () => {
    // llava-hf/llava-1.5-7b-hf's config.json names only these in text_config.
    const { config: filled, filled: fields } = configDefaults({
      model_type: "llava",
      image_token_index: 32000,
      text_config: { model_type: "llama", max_position_embeddings: 4096, vocab_size: 32064 },
      vision_config: { model_type: "clip_vision_model", image_size: 336, patch_size: 14 },
    });
    expect(filled["text_config"]).toMatchObject({
      num_hidden_layers: 32,
      num_attention_heads: 32,
      hidden_size: 4096,
      max_position_embeddings: 4096,
      vocab_size: 32064,
    });
    expect(fields).toEqual([
      "text_config.hidden_size = 4096 (llama config default)",
      "text_config.num_hidden_layers = 32 (llama config default)",
      "text_config.num_attention_heads = 32 (llama config default)",
    ]);
    expect(filled["vision_config"]).toMatchObject({ image_size: 336, patch_size: 14 });
  });

  it("takes the family's text model (qwen2 for llava-onevision) and a top-level vocab_size", () => {
    const { config: filled } = configDefaults({
      model_type: "llava_onevision",
      vocab_size: 152000,
      text_config: {},
    });
    expect(filled["text_config"]).toMatchObject({
      vocab_size: 152000,
      num_key_value_heads: 32,
      max_position_embeddings: 32768,
    });
    expect(filled["vision_config"]).toMatchObject({ image_size: 224, patch_size: 16 });
  });

  it("gives no defaults to a text model it does not know: the missing field is named", async () => {
    const read = withText((text) => {
      text["model_type"] = "some_lm";
      delete text["hidden_size"];
    });
    await expect(load(read)).rejects.toThrow(
      "model file config.json is invalid: it has no text_config.hidden_size, and its model_type has no default for it",
    );
  });

  it("loads a config that omits fields at their defaults, and says which", async () => {
    const model = await load(
      withText((text) => {
        delete text["max_position_embeddings"];
        delete text["head_dim"];
      }),
    );
    const { manifest } = model.thirdParty;
    expect(manifest.maxPositions).toBe(32768);
    expect(manifest.headDim).toBe(8);
    expect(manifest.defaulted).toEqual([
      "text_config.max_position_embeddings = 32768 (qwen2 config default)",
    ]);
  });
});

describe("decoder geometry from the graph", () => {
  it("refuses a layer count config.json's default gets wrong, naming both", async () => {
    await expect(load(withText((text) => delete text["num_hidden_layers"]))).rejects.toThrow(
      "model file onnx/decoder_model_merged.onnx's past_key_values inputs give layers 3, but config.json (text_config.num_hidden_layers absent: transformers' default) gives 32",
    );
  });

  it("refuses a key/value head count config.json states wrongly, naming both", async () => {
    await expect(load(withText((text) => (text["num_key_value_heads"] = 4)))).rejects.toThrow(
      "model file onnx/decoder_model_merged.onnx's past_key_values inputs give key/value heads 2, but config.json (text_config.num_key_value_heads) gives 4",
    );
  });
});
