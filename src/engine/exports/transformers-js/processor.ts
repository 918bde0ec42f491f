/**
 * Preprocessing and tokenisation of third-party exports come from transformers.js itself
 * (AutoProcessor: the model's own image processor, tokenizer and chat template), never
 * from copies written here. transformers.js reads the files through HeadFlow's ReadFile:
 * its `env.fetch` hook is pointed at the reader for the duration of a load, and remote
 * downloads are switched off, so nothing is ever fetched from the Hugging Face Hub.
 */
import { HeadflowError, errorMessage } from "../../errors";
import type { ReadFile } from "../../model/files";
import type { RgbaImage } from "../../model/image";
import type { Architecture } from "./architectures";
import { mropeLayout, type MropeLayout, type RopeConfig } from "./mrope";

type Transformers = typeof import("@huggingface/transformers");
type LoadedProcessor = Awaited<ReturnType<Transformers["AutoProcessor"]["from_pretrained"]>>;
type LoadedTokenizer = NonNullable<LoadedProcessor["tokenizer"]>;

/** A prefix no real request has: transformers.js asks for `${ROOT}${MODEL}/<file>`. */
const ROOT = "/__headflow_model__/";
const MODEL = "model";

/** What the processor makes of one image and question (batch 1). */
export interface ProcessedInputs {
  ids: number[];
  pixelValues: { data: Float32Array; dims: number[] };
  /**
   * Idefics3: the tiles the image was split into (the image processor's rows / cols; 0 x 0
   * when it was not split), which lay out the image block (image-layout-of.ts).
   */
  tiles?: { rows: number; cols: number };
  /** Idefics3: which pixels are real (true) or padding; absent for LLaVA. */
  pixelAttentionMask?: { data: Uint8Array; dims: number[] };
  /** Qwen2-VL family: `[images, 3]` (t, h, w) patch grid of each image. */
  imageGridThw?: { data: BigInt64Array; dims: number[] };
  /** Qwen2-VL family: the prompt's multimodal rotary positions (mrope.ts). */
  rope?: MropeLayout;
}

let transformers: Promise<Transformers> | null = null;
/** transformers.js keeps its settings in one global `env`: one load at a time. */
let loading: Promise<unknown> = Promise.resolve();

function library(): Promise<Transformers> {
  // Imported on demand: the built-in model never needs it, and it is large.
  transformers ??= import("@huggingface/transformers");
  return transformers;
}

async function serveFrom(read: ReadFile, url: string): Promise<Response> {
  const at = url.indexOf(ROOT);
  const path = at < 0 ? url : url.slice(at + ROOT.length).replace(`${MODEL}/`, "");
  try {
    const bytes = await read(path);
    return new Response(bytes.slice().buffer as ArrayBuffer, { status: 200 });
  } catch (error) {
    // transformers.js treats 404 as "optional file absent"; anything else is real.
    if (error instanceof HeadflowError && / is missing/.test(error.message)) {
      return new Response(null, { status: 404 });
    }
    throw error;
  }
}

/** RGBA at any size -> RGB flattened onto white (as the built-in model's images are). */
function toRgb(image: RgbaImage): Uint8ClampedArray {
  const { width, height, data } = image;
  const out = new Uint8ClampedArray(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const alpha = data[i * 4 + 3]! / 255;
    for (let c = 0; c < 3; c++) {
      out[i * 3 + c] = Math.round(data[i * 4 + c]! * alpha + 255 * (1 - alpha));
    }
  }
  return out;
}

export class VlmProcessor {
  private readonly lib: Transformers;
  private readonly processor: LoadedProcessor;
  private readonly architecture: Architecture;
  private readonly ropeConfig: RopeConfig | undefined;
  /** The processor's tokenizer, or one loaded on its own (imageTokensFromFeatures). */
  private readonly textTokenizer: LoadedTokenizer;
  /** imageTokensFromFeatures: the image token and its copies per image, once counted. */
  private expansion: { id: number; count: number } | null = null;

  private constructor(
    lib: Transformers,
    processor: LoadedProcessor,
    architecture: Architecture,
    ropeConfig: RopeConfig | undefined,
    textTokenizer: LoadedTokenizer,
  ) {
    this.lib = lib;
    this.processor = processor;
    this.architecture = architecture;
    this.ropeConfig = ropeConfig;
    this.textTokenizer = textTokenizer;
  }

  /** `ropeConfig`: config.json's get_rope_index fields, for architectures with M-RoPE. */
  static async load(
    read: ReadFile,
    architecture: Architecture,
    ropeConfig?: RopeConfig,
  ): Promise<VlmProcessor> {
    const lib = await library();
    const run = async () => {
      const { env } = lib;
      const saved = { ...env };
      // transformers.js words any failed fetch as "file was not found locally": the
      // reader's own error (a cancel, a FIFO or an oversized file refused) is kept instead.
      let readerError: unknown = null;
      const fetchFile = (url: string | URL) =>
        serveFrom(read, String(url)).catch((error: unknown) => {
          readerError ??= error;
          throw error;
        });
      Object.assign(env, {
        allowRemoteModels: false,
        allowLocalModels: true,
        useFS: false,
        useFSCache: false,
        useBrowserCache: false,
        useCustomCache: false,
        localModelPath: ROOT,
        fetch: fetchFile,
        // Its warnings ("Unable to load from local path ...") repeat, on a line of their
        // own, a failure this load reports itself as one error.
        logLevel: lib.LogLevel.ERROR,
      });
      try {
        const processor = await lib.AutoProcessor.from_pretrained(MODEL);
        // LLaVA-OneVision: transformers.js has no LlavaOnevisionProcessor, so AutoProcessor
        // holds the image processor alone and the tokenizer is loaded as its example does.
        const tokenizer =
          processor.tokenizer ??
          (architecture.imageTokensFromFeatures
            ? await lib.AutoTokenizer.from_pretrained(MODEL)
            : undefined);
        if (!tokenizer || !processor.image_processor) {
          throw new HeadflowError(
            "bad-model",
            "the export's processor files give no tokenizer or image processor (tokenizer.json, preprocessor_config.json)",
          );
        }
        return new VlmProcessor(lib, processor, architecture, ropeConfig, tokenizer);
      } catch (error) {
        if (error instanceof HeadflowError) throw error;
        if (readerError !== null) throw readerError;
        throw new HeadflowError(
          "bad-model",
          `the export's processor could not be loaded by transformers.js: ${errorMessage(error)}`,
        );
      } finally {
        Object.assign(env, saved);
      }
    };
    const result = loading.then(run, run);
    loading = result.catch(() => undefined);
    return result;
  }

  /** The model's own chat template applied to one user turn: the image, then the question. */
  chatText(question: string): string {
    const messages = [
      { role: "user", content: [{ type: "image" }, { type: "text", text: question }] },
    ];
    const options = { add_generation_prompt: true, tokenize: false } as never;
    // A bare Processor (no tokenizer of its own) cannot apply a template: its tokenizer can.
    const text = this.processor.tokenizer
      ? this.processor.apply_chat_template(messages as never, options)
      : this.textTokenizer.apply_chat_template(messages as never, options);
    if (typeof text !== "string") throw new Error("apply_chat_template returned no text");
    return text;
  }

  async process(image: RgbaImage, question: string): Promise<ProcessedInputs> {
    const raw = new this.lib.RawImage(toRgb(image), image.width, image.height, 3);
    const text = this.chatText(question);
    const idefics = this.architecture.visionInputs.includes("pixel_attention_mask");
    // transformers.js processors are callable objects; LlavaProcessor takes the image first.
    const call = this.processor as unknown as (
      ...args: unknown[]
    ) => Promise<Record<string, { data: ArrayLike<number | bigint | boolean>; dims: number[] }>>;
    let ids: number[];
    let out: Awaited<ReturnType<typeof call>>;
    if (this.architecture.imageTokensFromFeatures) {
      // The image processor alone (a bare Processor's call), the text through the
      // tokenizer, as in transformers.js's LLaVA-OneVision example.
      out = await call(raw);
      ids = this.withImageTokens(this.encode(text, true));
    } else {
      out = this.architecture.textFirst ? await call(text, raw) : await call(raw, text);
      ids = Array.from(out["input_ids"]!.data, Number);
    }
    const pixels = out["pixel_values"]!;
    const result: ProcessedInputs = {
      ids,
      pixelValues: { data: Float32Array.from(pixels.data as ArrayLike<number>), dims: pixels.dims },
    };
    if (idefics) {
      // Idefics3ImageProcessor's return_row_col_info: [[rows of each image]] per batch item.
      const tiles = out as unknown as { rows?: unknown; cols?: unknown };
      const first = (v: unknown) => (Array.isArray(v) ? [v].flat(2)[0] : undefined) as unknown;
      const [rows, cols] = [first(tiles.rows), first(tiles.cols)];
      if (typeof rows === "number" && typeof cols === "number") result.tiles = { rows, cols };
    }
    const mask = out["pixel_attention_mask"];
    if (idefics && mask) {
      result.pixelAttentionMask = {
        data: Uint8Array.from(mask.data as ArrayLike<number>, (v) => (v ? 1 : 0)),
        dims: mask.dims,
      };
    }
    const grid = out["image_grid_thw"];
    if (this.architecture.mrope) {
      if (!grid || !this.ropeConfig) {
        throw new HeadflowError(
          "bad-model",
          "the export's processor gives no image_grid_thw (preprocessor_config.json should name Qwen2VLImageProcessor)",
        );
      }
      const imageGridThw = {
        data: BigInt64Array.from(grid.data as ArrayLike<bigint | number>, (v) => BigInt(v)),
        dims: grid.dims,
      };
      result.imageGridThw = imageGridThw;
      result.rope = mropeLayout(this.lib, this.ropeConfig, ids, imageGridThw);
    }
    return result;
  }

  /**
   * imageTokensFromFeatures: from now on each `<image>` of a processed prompt becomes
   * `count` image tokens, the number of features the vision encoder gives per image
   * (transformers.js' merge requires one `<image>` per feature and expands none itself).
   */
  expandImageTokens(imageTokenId: number, count: number): void {
    this.expansion = { id: imageTokenId, count };
  }

  private withImageTokens(ids: number[]): number[] {
    const expansion = this.expansion;
    if (expansion === null) return ids;
    return ids.flatMap((id) =>
      id === expansion.id ? new Array<number>(expansion.count).fill(id) : [id],
    );
  }

  /** Text -> ids with the model's tokenizer (special tokens in the text are recognised). */
  encode(text: string, addSpecialTokens = false): number[] {
    return this.tokenizer().encode(text, { add_special_tokens: addSpecialTokens });
  }

  decode(ids: number[], skipSpecial = true): string {
    return this.tokenizer().decode(ids, { skip_special_tokens: skipSpecial });
  }

  tokenId(token: string): number | undefined {
    const id = this.tokenizer().convert_tokens_to_ids(token);
    return typeof id === "number" && id >= 0 ? id : undefined;
  }

  /** The ids of an optional special token named in tokenizer_config.json (e.g. eos_token). */
  specialTokenId(name: "eos_token" | "pad_token"): number | undefined {
    const token = (this.tokenizer() as unknown as Record<string, unknown>)[name];
    return typeof token === "string" ? this.tokenId(token) : undefined;
  }

  private tokenizer() {
    return this.textTokenizer;
  }
}
