/**
 * Multimodal rotary positions of the Qwen2-VL family. Their decoders take position_ids
 * `[3, batch, seq]` (temporal, height, width): text tokens have the same position on all
 * three; an image's tokens get (t, row, col) offsets from the position after the text
 * before it; text after an image continues from the largest position so far + 1. The
 * positions come from transformers.js itself (models/qwen2_vl/modeling_qwen2_vl.js,
 * Qwen2VLForConditionalGeneration.get_rope_index), called on the processor's ids and
 * image_grid_thw. Past the prompt, transformers.js's generation step uses
 * past_length + rope_delta on all three (prepare_inputs_for_generation), which `at` extends.
 *
 * The engine speaks of 1-D positions (the index of a token in the prompt, what
 * DecodeRequest.positions holds): a layout maps each to its three rotary positions, so
 * suffixes run over the shared prefix cache, re-runs of the image block and whole-sequence
 * knockouts (which repeat the block's indices) all get the positions the model saw.
 */
import { HeadflowError } from "../../errors";

type Transformers = typeof import("@huggingface/transformers");

/** The config.json fields get_rope_index reads. */
export interface RopeConfig {
  image_token_id: number;
  video_token_id?: number;
  vision_start_token_id: number;
  vision_config: { spatial_merge_size?: number };
}

export class MropeLayout {
  /** `[3][prompt length]` rotary positions of the prompt's tokens. */
  readonly positions: readonly (readonly number[])[];
  /** max position + 1 - prompt length: where positions past the prompt continue. */
  readonly delta: number;

  constructor(positions: readonly (readonly number[])[], delta: number) {
    this.positions = positions;
    this.delta = delta;
  }

  /** The three rotary positions of prompt index `t` (past the prompt: t + delta). */
  at(t: number, axis: number): number {
    const row = this.positions[axis]!;
    return t < row.length ? row[t]! : t + this.delta;
  }

  /** `[3, batch, length]` int64 position_ids for 1-D positions (the same in every row). */
  positionIds(positions: ArrayLike<number>, batch: number): BigInt64Array {
    const length = positions.length;
    const out = new BigInt64Array(3 * batch * length);
    for (let axis = 0; axis < 3; axis++) {
      for (let t = 0; t < length; t++) {
        const p = BigInt(this.at(positions[t]!, axis));
        for (let b = 0; b < batch; b++) out[(axis * batch + b) * length + t] = p;
      }
    }
    return out;
  }
}

/** transformers.js's get_rope_index for one prompt with its images' grids. */
export function mropeLayout(
  lib: Transformers,
  config: RopeConfig,
  ids: readonly number[],
  gridThw: { data: BigInt64Array; dims: number[] },
): MropeLayout {
  const { Qwen2VLForConditionalGeneration, Tensor } = lib;
  // get_rope_index reads only `this.config` and its two helper methods (on the prototype):
  // called on a bare instance, no model weights are involved.
  const model = Object.create(Qwen2VLForConditionalGeneration.prototype) as {
    config: RopeConfig;
    get_rope_index(
      ids: InstanceType<typeof Tensor>,
      grid: InstanceType<typeof Tensor>,
      video: null,
      mask: null,
    ): [InstanceType<typeof Tensor>, InstanceType<typeof Tensor>];
  };
  model.config = config;
  const input = new Tensor("int64", BigInt64Array.from(ids, BigInt), [1, ids.length]);
  const grid = new Tensor("int64", gridThw.data, gridThw.dims);
  const [positionIds, deltas] = model.get_rope_index(input, grid, null, null);
  const flat = Array.from(positionIds.data as ArrayLike<number | bigint>, Number);
  if (flat.length !== 3 * ids.length) {
    throw new HeadflowError(
      "bad-model",
      `get_rope_index gave ${flat.length} positions for ${ids.length} tokens`,
    );
  }
  const n = ids.length;
  const positions = [0, 1, 2].map((axis) => flat.slice(axis * n, (axis + 1) * n));
  return new MropeLayout(positions, Number((deltas.data as ArrayLike<number | bigint>)[0]));
}
