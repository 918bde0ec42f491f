/**
 * Loading a third-party export (transformers.js image-text-to-text layout) into the
 * engine: derive the manifest from its own config files, load its processor with
 * transformers.js, open its three graphs, and wrap it all as a Bundle so the shared
 * Headflow front door runs it.
 */
import type { ImageDecoder } from "../../ablation/baseline";
import type { Bundle } from "../../model/bundle";
import { HeadflowError } from "../../errors";
import type { ReadFile } from "../../model/files";
import { solidImage, BLANK_GRAY } from "../../model/image";
import type { OrtModule, OrtSessionOptions } from "../../model/ort";
import type { PromptTokenizer } from "../../model/tokenize";
import { deriveManifest, engineManifest } from "./config";
import type { DtypeBackend } from "./dtypes";
import { ThirdPartyHeadflow } from "./third-party-headflow";
import { VlmProcessor } from "./processor";
import { ThirdPartySession } from "./export-session";
import { DEFAULT_QUESTION, ThirdPartyTokenizer } from "./tokenizer";

export interface ThirdPartyLoadOptions {
  sessionOptions?: OrtSessionOptions;
  /** transformers.js dtype of the graphs to load, or "auto" (the default; dtypes.ts). */
  dtype?: string;
  /** Where the sessions run, for the dtype order ("cpu" unless said; dtypes.ts). */
  backend?: DtypeBackend;
  /** Name shown in results (default: the folder or URL's last part, or "model"). */
  id?: string;
  runtime?: string;
  /**
   * Let mask runs enter the decoder at their first ablated layer (entry-decoders.ts):
   * a session per entered layer, built on first use; it pays off over many masks.
   */
  layerEntry?: boolean;
  /** Bytes the entry graphs may hold in all (default: the decoder's; entry-decoders.ts). */
  entryBudgetBytes?: number;
}

/** Whether a folder is a third-party export (config.json, no headflow.json). */
export async function isThirdPartyExport(read: ReadFile): Promise<boolean> {
  const has = async (path: string) =>
    read(path).then(
      () => true,
      (error: unknown) => {
        if (error instanceof HeadflowError && / is missing/.test(error.message)) return false;
        throw error;
      },
    );
  return !(await has("headflow.json")) && (await has("config.json"));
}

export async function loadThirdParty(
  read: ReadFile,
  ort: OrtModule,
  decodeImage: ImageDecoder,
  options: ThirdPartyLoadOptions = {},
): Promise<ThirdPartyHeadflow> {
  const manifest = await deriveManifest(read, {
    ...(options.dtype !== undefined ? { dtype: options.dtype } : {}),
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
  });
  const processor = await VlmProcessor.load(read, manifest.architecture, manifest.rope);
  const session = await ThirdPartySession.create(
    read,
    ort,
    manifest,
    options.sessionOptions ?? {},
    {
      layerEntry: options.layerEntry ?? false,
      ...(options.entryBudgetBytes !== undefined
        ? { entryBudgetBytes: options.entryBudgetBytes }
        : {}),
    },
  );
  // The layout of the nominal (square) input, for prompts made before an image is known.
  const nominalImage = solidImage(manifest.inputSize, BLANK_GRAY);
  if (manifest.architecture.imageTokensFromFeatures) {
    // One view per image at a fixed size: the vision encoder's feature count (with an
    // image_newline the graph appends) is the number of image tokens, for every image.
    const features = await session.encodeVision(
      await processor.process(nominalImage, DEFAULT_QUESTION),
    );
    const count = features.length / session.dims.hiddenSize;
    if (!Number.isInteger(count) || count === 0) {
      throw new HeadflowError(
        "bad-model",
        `the vision encoder gives ${features.length} values, not whole features of ${session.dims.hiddenSize}`,
      );
    }
    processor.expandImageTokens(manifest.imageTokenId, count);
  }
  const nominal = await processor.process(nominalImage, DEFAULT_QUESTION);
  const tokenizer = new ThirdPartyTokenizer(
    processor,
    manifest.imageTokenId,
    manifest.maxPositions,
    {
      question: DEFAULT_QUESTION,
      ids: nominal.ids,
    },
  );
  const eos =
    manifest.eosTokenIds[0] ?? processor.specialTokenId("eos_token") ?? manifest.vocabSize;
  // Shown with the model: a dtype that did not open, and config fields left at defaults.
  const notes = [
    ...manifest.dtypeNotes,
    ...(manifest.defaulted.length > 0
      ? [
          `config.json omits fields transformers fills with defaults: ${manifest.defaulted.join("; ")}`,
        ]
      : []),
  ];
  if (notes.length > 0) {
    manifest.capabilities = {
      ...manifest.capabilities,
      notes: [...manifest.capabilities.notes, ...notes],
    };
  }
  const id = options.id ?? "model";
  const bundle: Bundle = {
    manifest: engineManifest(manifest, id, eos, DEFAULT_QUESTION),
    config: { text_config: { max_position_embeddings: manifest.maxPositions } },
    // Structurally the PromptTokenizer face (its class has private fields, hence the cast).
    tokenizer: tokenizer as unknown as PromptTokenizer,
    session,
    read,
  };
  return new ThirdPartyHeadflow(bundle, decodeImage, options.runtime ?? "onnxruntime", {
    manifest,
    processor,
    session,
    tokenizer,
  });
}
