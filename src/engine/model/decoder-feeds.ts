/**
 * The feeds of one decoder run, as transformers.js feeds a decoder
 * (models/modeling_utils.js: decoder_forward, addPastKeyValues): `inputs_embeds`, an
 * all-ones `attention_mask`, `position_ids`, `use_cache_branch` and `num_logits_to_keep`
 * where the graph has them, and `past_key_values.{l}.*`. Shared by the bundle's session
 * (ort-session.ts) and third-party exports (exports/transformers-js/export-decoder.ts);
 * attention biases and fetches stay with each, since their graphs differ there.
 */
import type { OrtModule, OrtTensor } from "./ort";
import type { DecodeRequest, ModelDims } from "./session";
import { pastKey, pastValue } from "./graph-names";

export interface DecoderFeeds {
  feeds: Record<string, OrtTensor>;
  pastLength: number;
  /** pastLength + length: the key positions every new token may see. */
  total: number;
}

export function decoderFeeds(
  ort: OrtModule,
  inputNames: readonly string[],
  dims: Pick<ModelDims, "layers" | "heads" | "headDim" | "hiddenSize">,
  request: DecodeRequest,
): DecoderFeeds {
  const { layers, heads, headDim, hiddenSize } = dims;
  const { batch, length, past } = request;
  const pastLength = past ? past.length : 0;
  if (past && past.batch !== batch) throw new Error("decode: past batch differs from input batch");
  const total = pastLength + length;
  // Entered at a layer, a third-party decoder may take the residual addition's two
  // operands side by side (layer-entry.ts): twice the hidden size.
  const width =
    request.fromLayer === undefined ? hiddenSize : request.embeds.length / (batch * length);
  const feeds: Record<string, OrtTensor> = {
    inputs_embeds: new ort.Tensor("float32", request.embeds, [batch, length, width]),
    attention_mask: new ort.Tensor("int64", new BigInt64Array(batch * total).fill(1n), [
      batch,
      total,
    ]),
  };
  const positions = request.positions ?? Array.from({ length }, (_, i) => pastLength + i);
  if (inputNames.includes("position_ids")) {
    const positionIds = new BigInt64Array(batch * length);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < length; t++) positionIds[b * length + t] = BigInt(positions[t]!);
    }
    feeds["position_ids"] = new ort.Tensor("int64", positionIds, [batch, length]);
  } else if (Array.from(positions).some((p, i) => p !== pastLength + i)) {
    // Such a decoder derives positions from attention_mask (past + i): others cannot be given.
    throw new Error(
      "decode: this decoder takes no position_ids, so positions other than past + i cannot be run",
    );
  }
  if (inputNames.includes("use_cache_branch")) {
    feeds["use_cache_branch"] = new ort.Tensor("bool", [pastLength > 0], [1]);
  }
  if (inputNames.includes("num_logits_to_keep")) {
    // 1: only the last position (what every analysis reads); 0: all positions.
    const keep = request.logits === "last" ? 1n : 0n;
    feeds["num_logits_to_keep"] = new ort.Tensor("int64", BigInt64Array.of(keep), []);
  }
  const pastDims = [batch, heads, pastLength, headDim];
  const empty = new Float32Array(0);
  for (let i = 0; i < layers; i++) {
    feeds[pastKey(i)] = new ort.Tensor("float32", past ? past.keys[i]! : empty, pastDims);
    feeds[pastValue(i)] = new ort.Tensor("float32", past ? past.values[i]! : empty, pastDims);
  }
  return { feeds, pastLength, total };
}
