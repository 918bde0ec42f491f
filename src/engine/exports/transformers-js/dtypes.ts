/**
 * Which dtype variant of each graph to open, following transformers.js's own choice
 * (@huggingface/transformers src/models/session.js getSession, src/utils/dtypes.js
 * selectDtype, src/utils/model-loader.js) and then falling back: a user's `--dtype` is
 * the only candidate; otherwise config.json's `transformers.js_config.dtype` (a string, or
 * a map from graph file name to dtype, with `device_config[<backend>]` laid over it) comes
 * first, then the backend's order below. External data chunk counts come from
 * `use_external_data_format` the same way, and `kv_cache_dtype` (transformers.js 3's
 * key, a string or a map from dtype to "float16" / "float32") is read as a hint that
 * the graph's own input types are checked against.
 */
import type { DataType } from "@huggingface/transformers";
import { HeadflowError } from "../../errors";

type Dtype = Exclude<DataType, "auto">;

/** transformers.js's graph file suffix per dtype (utils/dtypes.js DEFAULT_DTYPE_SUFFIX_MAPPING). */
export const DTYPE_SUFFIXES = {
  fp32: "",
  fp16: "_fp16",
  int8: "_int8",
  uint8: "_uint8",
  q8: "_quantized",
  q4: "_q4",
  q2: "_q2",
  q1: "_q1",
  q4f16: "_q4f16",
  q2f16: "_q2f16",
  q1f16: "_q1f16",
  bnb4: "_bnb4",
} as const satisfies Record<Dtype, string>;

/** dtypes whose graphs take and give float32 (the others keep float16 at the boundary). */
export const FLOAT32_IO_DTYPES: Record<string, string> = Object.fromEntries(
  Object.entries(DTYPE_SUFFIXES).filter(([dtype]) => !/f16$/.test(dtype)),
);

/** Where the sessions run: onnxruntime-web's wasm or WebGPU, or onnxruntime-node's CPU. */
export type DtypeBackend = "wasm" | "webgpu" | "cpu";

/**
 * The order tried when nothing names a dtype. wasm: 8-bit first, as transformers.js's
 * default for wasm (q8, DEFAULT_DEVICE_DTYPE_MAPPING), then 4-bit, then full precision,
 * so a browser tab loads the smallest faithful files first; float16 last, since
 * onnxruntime's CPU kernels cover float16 only in part (such a graph often does not open,
 * and the next is tried). WebGPU has float16 kernels: q4f16 and fp16 first. Node's CPU:
 * fp32 first, transformers.js's default for every device but wasm (DEFAULT_DEVICE_DTYPE),
 * and the most exact one where memory is no concern.
 */
export const DTYPE_ORDER: Record<DtypeBackend, readonly Dtype[]> = {
  wasm: ["q8", "q4", "int8", "uint8", "bnb4", "fp32", "q4f16", "fp16"],
  webgpu: ["q4f16", "fp16", "q4", "fp32", "q8", "int8", "uint8", "bnb4"],
  cpu: ["fp32", "q8", "q4", "int8", "uint8", "bnb4", "fp16", "q4f16"],
};

/** The dtypes a user may name (`auto`: the policy above). */
export const DTYPE_CHOICES = ["auto", ...Object.keys(DTYPE_SUFFIXES)] as const;

export const isDtype = (value: string): value is Dtype =>
  Object.prototype.hasOwnProperty.call(DTYPE_SUFFIXES, value);

export function dtypeSuffix(dtype: string): string {
  if (!isDtype(dtype)) throw unknownDtype(dtype, "dtype");
  return DTYPE_SUFFIXES[dtype];
}

function unknownDtype(value: unknown, where: string): HeadflowError {
  return new HeadflowError(
    "bad-argument",
    `${where} "${String(value)}" is not a transformers.js dtype (${DTYPE_CHOICES.join(", ")})`,
  );
}

/** The part of config.json's `transformers.js_config` read here. */
interface TransformersJsConfig {
  dtype?: unknown;
  use_external_data_format?: unknown;
  kv_cache_dtype?: unknown;
  device_config?: Record<string, unknown>;
}

/** transformers.js's limit on external data chunks (utils/hub/constants.js). */
export const MAX_EXTERNAL_DATA_CHUNKS = 100;

export interface DtypePlan {
  /** dtypes to try per graph file name (`decoder_model_merged`, ...), in order. */
  candidates(fileName: string): string[];
  /** Number of external data chunks of `<fileName><suffix>.onnx`. */
  externalDataChunks(fileName: string, dtype: string): number;
  /** The key/value cache type config.json announces for `dtype`, if it does. */
  kvCacheDtype(dtype: string): "float16" | "float32" | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `transformers.js_config` with the backend's `device_config` laid over it (session.js). */
function customConfig(config: unknown, backend: DtypeBackend): TransformersJsConfig {
  const raw = isRecord(config) ? config["transformers.js_config"] : undefined;
  if (raw === undefined) return {};
  if (!isRecord(raw)) {
    throw new HeadflowError(
      "bad-model",
      'model file config.json is invalid: "transformers.js_config" is not an object',
    );
  }
  const custom = raw as TransformersJsConfig;
  const device = isRecord(custom.device_config) ? custom.device_config[backend] : undefined;
  return isRecord(device) ? { ...custom, ...device } : custom;
}

/** utils/model-loader.js resolveExternalDataFormat: a bool, a count, or per file. */
function chunksOf(value: unknown, fullName: string, fileName: string): number {
  let chunks: unknown = value;
  if (isRecord(value)) chunks = value[fullName] ?? value[fileName] ?? 0;
  if (chunks === undefined || chunks === null || chunks === false) return 0;
  if (chunks === true) return 1;
  if (typeof chunks !== "number" || !Number.isInteger(chunks) || chunks < 0) {
    throw new HeadflowError(
      "bad-model",
      `model file config.json is invalid: transformers.js_config.use_external_data_format for ${fullName} is ${JSON.stringify(chunks)}, not true, false or a chunk count`,
    );
  }
  if (chunks > MAX_EXTERNAL_DATA_CHUNKS) {
    throw new HeadflowError(
      "bad-model",
      `model file config.json asks for ${chunks} external data chunks of ${fullName}, more than transformers.js's ${MAX_EXTERNAL_DATA_CHUNKS}`,
    );
  }
  return chunks;
}

/**
 * The dtype plan of an export. `requested`: the user's choice (`auto` or absent: the
 * config's dtype, then the backend's order).
 */
export function dtypePlan(config: unknown, backend: DtypeBackend, requested?: string): DtypePlan {
  if (requested !== undefined && requested !== "auto" && !isDtype(requested)) {
    throw unknownDtype(requested, "dtype");
  }
  const custom = customConfig(config, backend);
  const configured = (fileName: string): string | null => {
    const value = isRecord(custom.dtype) ? custom.dtype[fileName] : custom.dtype;
    if (value === undefined || value === null || value === "auto") return null;
    if (typeof value !== "string" || !isDtype(value)) {
      throw unknownDtype(value, `config.json's transformers.js_config.dtype for ${fileName}`);
    }
    return value;
  };
  return {
    candidates(fileName) {
      if (requested !== undefined && requested !== "auto") return [requested];
      const first = configured(fileName);
      const order = DTYPE_ORDER[backend];
      return first === null ? [...order] : [first, ...order.filter((d) => d !== first)];
    },
    externalDataChunks(fileName, dtype) {
      const fullName = `${fileName}${dtypeSuffix(dtype)}.onnx`;
      return chunksOf(custom.use_external_data_format, fullName, fileName);
    },
    kvCacheDtype(dtype) {
      const value = isRecord(custom.kv_cache_dtype)
        ? custom.kv_cache_dtype[dtype]
        : custom.kv_cache_dtype;
      return value === "float16" || value === "float32" ? value : null;
    },
  };
}
