/**
 * Published config.json files omit fields equal to their defaults (transformers writes
 * only the non-default values of a sub-config: llava-1.5's text_config names no
 * num_hidden_layers, hidden_size or num_attention_heads). transformers fills them from
 * the config class's `__init__` defaults; so does this, with the same classes:
 *
 * - the text config's class is its `model_type`, else the family's default:
 *   LlavaConfig and Idefics3Config / SmolVLMConfig set `text_config["model_type"]` to
 *   "llama" when absent (models/llava/configuration_llava.py,
 *   models/idefics3/configuration_idefics3.py); LlavaOnevisionConfig to "qwen2".
 * - LlamaConfig (models/llama/configuration_llama.py): vocab_size 32000, hidden_size 4096,
 *   num_hidden_layers 32, num_attention_heads 32, num_key_value_heads = num_attention_heads,
 *   max_position_embeddings 2048.
 * - Qwen2Config (models/qwen2/configuration_qwen2.py): vocab_size 151936, hidden_size 4096,
 *   num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 32,
 *   max_position_embeddings 32768.
 * - MistralConfig (models/mistral/configuration_mistral.py): vocab_size 32000,
 *   hidden_size 4096, num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 8,
 *   max_position_embeddings 131072 (4096 * 32).
 * - vision: CLIPVisionConfig image_size 224, patch_size 32; SiglipVisionConfig 224, 16;
 *   Idefics3VisionConfig / SmolVLMVisionConfig 224, 32; the vision config's class is its
 *   model_type, else "clip_vision_model" for llava (LlavaConfig), "idefics3_vision" /
 *   "smolvlm_vision" for Idefics3 / SmolVLM, "siglip_vision_model" for llava-onevision.
 * - Idefics3Config / SmolVLMConfig scale_factor 2.
 *
 * A model_type not listed here gets no defaults: a missing field is then an error naming it.
 * The decoder graph's own cache shapes are checked against the result (decoder-io.ts).
 */

interface TextDefaults {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  /** null: equal to num_attention_heads. */
  num_key_value_heads: number | null;
  max_position_embeddings: number;
}

const TEXT_DEFAULTS: Record<string, TextDefaults> = {
  llama: {
    vocab_size: 32000,
    hidden_size: 4096,
    num_hidden_layers: 32,
    num_attention_heads: 32,
    num_key_value_heads: null,
    max_position_embeddings: 2048,
  },
  qwen2: {
    vocab_size: 151936,
    hidden_size: 4096,
    num_hidden_layers: 32,
    num_attention_heads: 32,
    num_key_value_heads: 32,
    max_position_embeddings: 32768,
  },
  mistral: {
    vocab_size: 32000,
    hidden_size: 4096,
    num_hidden_layers: 32,
    num_attention_heads: 32,
    num_key_value_heads: 8,
    max_position_embeddings: 4096 * 32,
  },
};

const VISION_DEFAULTS: Record<string, { image_size: number; patch_size: number }> = {
  clip_vision_model: { image_size: 224, patch_size: 32 },
  siglip_vision_model: { image_size: 224, patch_size: 16 },
  idefics3_vision: { image_size: 224, patch_size: 32 },
  smolvlm_vision: { image_size: 224, patch_size: 32 },
};

/** Per family: the sub-configs' default model_type and top-level defaults. */
const FAMILY: Record<string, { text: string; vision: string; top?: Record<string, number> }> = {
  llava: { text: "llama", vision: "clip_vision_model" },
  idefics3: { text: "llama", vision: "idefics3_vision", top: { scale_factor: 2 } },
  smolvlm: { text: "llama", vision: "smolvlm_vision", top: { scale_factor: 2 } },
  llava_onevision: { text: "qwen2", vision: "siglip_vision_model" },
};

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export interface Defaulted {
  config: Json;
  /** `text_config.num_hidden_layers = 32 (LlamaConfig default)`, one per field filled. */
  filled: string[];
}

/**
 * A copy of `raw` (config.json) with absent fields set to transformers' defaults.
 * Present fields, nulls aside, are never changed.
 */
export function configDefaults(raw: unknown): Defaulted {
  if (!isRecord(raw)) return { config: {}, filled: [] };
  const family = FAMILY[String(raw["model_type"])];
  const config: Json = { ...raw };
  const filled: string[] = [];
  if (!family) return { config, filled };
  const fill = (target: Json, prefix: string, values: Record<string, unknown>, source: string) => {
    for (const [key, value] of Object.entries(values)) {
      if (target[key] !== undefined && target[key] !== null) continue;
      if (value === null) continue;
      target[key] = value;
      filled.push(`${prefix}${key} = ${String(value)} (${source} default)`);
    }
  };
  if (family.top) fill(config, "", family.top, `${String(raw["model_type"])} config`);
  const text: Json = isRecord(raw["text_config"]) ? { ...raw["text_config"] } : {};
  // A top-level vocab_size (older llava configs) is the text model's, not a default.
  if (text["vocab_size"] === undefined && typeof raw["vocab_size"] === "number") {
    text["vocab_size"] = raw["vocab_size"];
  }
  const textType = typeof text["model_type"] === "string" ? text["model_type"] : family.text;
  const textDefaults = TEXT_DEFAULTS[textType];
  if (textDefaults) fill(text, "text_config.", { ...textDefaults }, `${textType} config`);
  config["text_config"] = text;
  const vision: Json = isRecord(raw["vision_config"]) ? { ...raw["vision_config"] } : {};
  const visionType =
    typeof vision["model_type"] === "string" ? vision["model_type"] : family.vision;
  const visionDefaults = VISION_DEFAULTS[visionType];
  if (visionDefaults) fill(vision, "vision_config.", visionDefaults, `${visionType} config`);
  config["vision_config"] = vision;
  return { config, filled };
}
