/**
 * The third-party VLM architectures HeadFlow loads, and what it knows about the others.
 * Each supported architecture is a transformers.js image-text-to-text export: three graphs
 * (vision_encoder, embed_tokens, decoder_model_merged) whose outputs are merged the way
 * transformers.js merges them (image features scattered onto the image-token positions).
 * docs/THIRD_PARTY_MODELS.md gives the sources.
 */
import { HeadflowError } from "../../errors";

export interface Architecture {
  /** `config.json`'s model_type values it covers. */
  modelTypes: readonly string[];
  /** Extra inputs of vision_encoder besides pixel_values. */
  visionInputs: readonly string[];
  /** The config.json key holding the image token id (transformers.js reads either). */
  imageTokenKeys: readonly string[];
  /** The processor's call order: `(text, images)` (true) or `(images, text)`. */
  textFirst: boolean;
  /**
   * Multimodal rotary positions (Qwen2-VL family): the decoder's position_ids are
   * `[3, batch, seq]` from get_rope_index, the text config is config.json's top level,
   * and the vision encoder takes the grid of each image (mrope.ts).
   */
  mrope?: { gridInput: string };
  /**
   * transformers.js has no processor class for it: AutoProcessor gives the image processor
   * alone, the tokenizer is loaded on its own, and nothing expands `<image>`. The prompt's
   * one `<image>` becomes as many as the vision encoder gives features (counted at load).
   */
  imageTokensFromFeatures?: boolean;
}

/** LLaVA: one image -> a fixed number of `<image>` tokens (LlavaProcessor). */
const LLAVA: Architecture = {
  modelTypes: ["llava"],
  visionInputs: [],
  imageTokenKeys: ["image_token_index", "image_token_id"],
  textFirst: false,
};

/**
 * Idefics3 / SmolVLM: the image is split into tiles plus a global view; each tile becomes
 * image_seq_len `<image>` tokens between `<fake_token_around_image>` and `<row_r_col_c>`
 * tokens (Idefics3Processor). The vision encoder also takes pixel_attention_mask.
 */
const IDEFICS3: Architecture = {
  modelTypes: ["idefics3", "smolvlm"],
  visionInputs: ["pixel_attention_mask"],
  imageTokenKeys: ["image_token_id", "image_token_index"],
  textFirst: true,
};

/**
 * Qwen2-VL: Qwen2VLImageProcessor resizes the image to multiples of patch x merge pixels
 * (smart_resize) and flattens it into patches; Qwen2VLProcessor expands each
 * `<|image_pad|>` into grid_t * grid_h * grid_w / merge^2 tokens; the vision encoder takes
 * the patches and `grid_thw` (transformers.js models/qwen2_vl/: processing_qwen2_vl.js,
 * image_processing_qwen2_vl.js, modeling_qwen2_vl.js encode_image).
 */
const QWEN2_VL: Architecture = {
  modelTypes: ["qwen2_vl"],
  visionInputs: ["grid_thw"],
  imageTokenKeys: ["image_token_id"],
  textFirst: true,
  mrope: { gridInput: "grid_thw" },
};

/** Qwen2.5-VL: as Qwen2-VL, the grid input named image_grid_thw (modeling_qwen2_5_vl.js). */
const QWEN2_5_VL: Architecture = {
  ...QWEN2_VL,
  modelTypes: ["qwen2_5_vl"],
  visionInputs: ["image_grid_thw"],
  mrope: { gridInput: "image_grid_thw" },
};

/**
 * LLaVA-OneVision as transformers.js runs it: LlavaForConditionalGeneration
 * (models/llava_onevision/modeling_llava_onevision.js), its image processor the base
 * ImageProcessor (a resize to `size`: no anyres tiling, image_grid_pinpoints unused), no
 * processor class (models/auto/processing_auto.js falls back to a bare Processor). The
 * image is one view; an image_newline feature, where the export has one, comes from the
 * vision_encoder graph and is counted with the others.
 */
const LLAVA_ONEVISION: Architecture = {
  ...LLAVA,
  modelTypes: ["llava_onevision"],
  imageTokensFromFeatures: true,
};

const SUPPORTED = [LLAVA, IDEFICS3, QWEN2_VL, QWEN2_5_VL, LLAVA_ONEVISION];

export const SUPPORTED_MODEL_TYPES = SUPPORTED.flatMap((a) => a.modelTypes);

/** Architectures transformers.js runs that HeadFlow does not (yet), with the reason. */
const NOT_SUPPORTED: Record<string, string> = {
  qwen3_vl:
    "transformers.js runs it as Qwen2.5-VL, but its vision encoder's deepstack features (fed to several decoder layers in transformers) are not checked against any export or fixture here",
  paligemma: "its prefix attends bidirectionally, so image tokens also read later text",
  gemma3: "image tokens attend to each other bidirectionally and positions start at 1",
  florence2: "it is an encoder-decoder model, not a decoder reading image tokens",
  phi3_v: "its vision encoder and prompt layout are not implemented yet",
  moondream1: "its prompt layout is not implemented yet",
  multi_modality:
    "Janus: its export embeds image and text together in one prepare_inputs_embeds graph and keeps the language head in a separate lm_head graph (models/multi_modality/modeling_multi_modality.js), a layout not implemented here",
};

export function architectureOf(modelType: unknown): Architecture {
  if (typeof modelType !== "string" || modelType.length === 0) {
    throw new HeadflowError("bad-model", "model file config.json has no model_type");
  }
  const found = SUPPORTED.find((a) => a.modelTypes.includes(modelType));
  if (found) return found;
  const why = NOT_SUPPORTED[modelType];
  throw new HeadflowError(
    "bad-model",
    `unsupported model_type "${modelType}"${why ? ` (${why})` : ""}: HeadFlow loads ${SUPPORTED_MODEL_TYPES.join(", ")} exports in the transformers.js layout`,
  );
}
