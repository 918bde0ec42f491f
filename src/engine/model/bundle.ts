/**
 * Loading a model bundle (docs/BUNDLE.md): manifest, config, tokenizer and the ONNX
 * graphs, through an injected file reader and onnxruntime, with one clear error per
 * missing or broken file.
 */
import { HeadflowError, errorMessage } from "../errors";
import { readJson, type ReadFile } from "./files";
import {
  ManifestSchema,
  ModelConfigSchema,
  checkManifest,
  validateBundleJson,
  type Manifest,
  type ModelConfig,
} from "./manifest";
import type { OrtModule, OrtSessionOptions } from "./ort";
import { OrtVlmSession, dimsOf } from "./ort-session";
import { SerialSession } from "./serial-session";
import type { VlmSession } from "./session";
import { PromptTokenizer } from "./tokenize";

export { dimsOf };

export interface Bundle {
  manifest: Manifest;
  config: ModelConfig;
  tokenizer: PromptTokenizer;
  session: VlmSession;
  /** The reader the bundle came from (reference images are read through it). */
  read: ReadFile;
}

export interface LoadOptions {
  sessionOptions?: OrtSessionOptions;
  /**
   * Let ablation runs enter the decoder at their first ablated layer (layer-entry.ts):
   * faster over many masks, at the cost of one more session per entered layer.
   */
  layerEntry?: boolean;
}

export async function loadBundle(
  read: ReadFile,
  ort: OrtModule,
  options: LoadOptions = {},
): Promise<Bundle> {
  const manifest = validateBundleJson(
    ManifestSchema,
    await readJson(read, "headflow.json"),
    "headflow.json",
  );
  const config = validateBundleJson(
    ModelConfigSchema,
    await readJson(read, "config.json"),
    "config.json",
  );
  checkManifest(manifest, config);
  const tokenizerJson = await readJson(read, "tokenizer.json");
  const tokenizerConfig = await readJson(read, "tokenizer_config.json");
  let tokenizer: PromptTokenizer;
  try {
    tokenizer = new PromptTokenizer(
      tokenizerJson as object,
      tokenizerConfig as object,
      manifest,
      config.text_config.max_position_embeddings,
    );
  } catch (error) {
    throw new HeadflowError(
      "bad-model",
      `model file tokenizer.json is invalid: ${errorMessage(error)}`,
    );
  }
  const session = new SerialSession(
    await OrtVlmSession.create(read, ort, manifest, options.sessionOptions ?? {}, {
      layerEntry: options.layerEntry ?? false,
    }),
  );
  return { manifest, config, tokenizer, session, read };
}
