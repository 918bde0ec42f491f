/**
 * How large each kind of file in a model folder may be. A model folder comes from
 * anywhere (a download, a shared drive), so its files are read like any input: regular
 * files only, size checked before a byte is read. The limits sit far above real models
 * and far below what would exhaust memory.
 */
import { MAX_IMAGE_FILE_BYTES } from "../model/file-limits";

const MiB = 2 ** 20;

export interface ModelFileLimit {
  /** The kind of file, for messages. */
  kind: string;
  maxBytes: number;
}

/**
 * An ONNX graph: 2 GiB - 1, protobuf's limit on one serialized model (a larger graph
 * needs external data, which a bundle does not use) and the largest ArrayBuffer every
 * browser allocates, so a graph the CLI opens also opens in the browser.
 */
export const GRAPH_LIMIT: ModelFileLimit = { kind: "ONNX graph", maxBytes: 2 ** 31 - 1 };

/**
 * Tokenizer files grow with the vocabulary: at a few tens of bytes per entry (token,
 * id, merges), 64 MiB holds millions of tokens, far more than any VLM's vocabulary.
 */
export const TOKENIZER_LIMIT: ModelFileLimit = { kind: "tokenizer file", maxBytes: 64 * MiB };

/**
 * Other JSON (config.json, headflow.json, preprocessor and generation configs, chat
 * templates, parity data): KB in practice (the bundled model's largest, parity.json, is
 * 229 KB).
 */
export const JSON_LIMIT: ModelFileLimit = { kind: "JSON file", maxBytes: 16 * MiB };

/** Reference images of a bundle (the mean baseline): the limit of any image input. */
export const IMAGE_LIMIT: ModelFileLimit = { kind: "image", maxBytes: MAX_IMAGE_FILE_BYTES };

/** Anything else a loader asks for (a vocabulary, a sentencepiece model). */
export const OTHER_LIMIT: ModelFileLimit = { kind: "model file", maxBytes: 64 * MiB };

/** The limit for the model file at `path` (relative to the model folder), by its name. */
export function modelFileLimit(path: string): ModelFileLimit {
  const name = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (/\.onnx(_data(_\d+)?|\.data)?$/.test(name) || name.endsWith(".ort")) return GRAPH_LIMIT;
  if (/^(tokenizer\.json|vocab\.(json|txt)|merges\.txt)$/.test(name) || name.endsWith(".model"))
    return TOKENIZER_LIMIT;
  if (name.endsWith(".json")) return JSON_LIMIT;
  if (/\.(png|jpe?g|webp|gif)$/.test(name)) return IMAGE_LIMIT;
  return OTHER_LIMIT;
}
