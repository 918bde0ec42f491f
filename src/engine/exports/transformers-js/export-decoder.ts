/**
 * One decoder run of a transformers.js export, fed the way transformers.js feeds it
 * (models/modeling_utils.js: decoder_forward, addPastKeyValues): `inputs_embeds`, an
 * all-ones `attention_mask`, `position_ids` / `use_cache_branch` / `num_logits_to_keep`
 * where the graph has them, and `past_key_values.{l}.*`. The decoder may be the export's
 * own graph or its attention-rewritten form (../../model/graph/unfuse-attention.ts): both
 * have the same interface.
 */
import type { KvCache } from "../../model/kv";
import type { OrtModule, OrtSession, OrtTensor } from "../../model/ort";
import type { AnalysisResult, DecodeRequest, ModelDims } from "../../model/session";
import { pastKey, pastValue, presentKey, presentValue } from "../../model/graph-names";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export class ExportDecoder {
  private readonly ort: OrtModule;
  private readonly session: OrtSession;
  private readonly dims: ModelDims;

  /** `dims.heads` is the past cache's head count (key/value heads with GQA). */
  constructor(ort: OrtModule, session: OrtSession, dims: ModelDims) {
    this.ort = ort;
    this.session = session;
    this.dims = dims;
  }

  async decode(request: DecodeRequest): Promise<AnalysisResult> {
    const { layers, heads, headDim, hiddenSize, vocabSize } = this.dims;
    const { batch, length, past } = request;
    const pastLength = past ? past.length : 0;
    if (past && past.batch !== batch)
      throw new Error("decode: past batch differs from input batch");
    const total = pastLength + length;
    const positions = request.positions ?? range(length).map((i) => pastLength + i);
    const positionIds = new BigInt64Array(batch * length);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < length; t++) positionIds[b * length + t] = BigInt(positions[t]!);
    }
    const feeds: Record<string, OrtTensor> = {
      inputs_embeds: new this.ort.Tensor("float32", request.embeds, [batch, length, hiddenSize]),
      attention_mask: new this.ort.Tensor("int64", new BigInt64Array(batch * total).fill(1n), [
        batch,
        total,
      ]),
    };
    const names = this.session.inputNames;
    if (names.includes("position_ids")) {
      feeds["position_ids"] = new this.ort.Tensor("int64", positionIds, [batch, length]);
    }
    if (names.includes("use_cache_branch")) {
      feeds["use_cache_branch"] = new this.ort.Tensor("bool", [pastLength > 0], [1]);
    }
    if (names.includes("num_logits_to_keep")) {
      // 1: only the last position (what every analysis reads); 0: all positions.
      const keep = request.logits === "last" ? 1n : 0n;
      feeds["num_logits_to_keep"] = new this.ort.Tensor("int64", BigInt64Array.of(keep), []);
    }
    const pastDims = [batch, heads, pastLength, headDim];
    const empty = new Float32Array(0);
    for (let i = 0; i < layers; i++) {
      feeds[pastKey(i)] = new this.ort.Tensor("float32", past ? past.keys[i]! : empty, pastDims);
      feeds[pastValue(i)] = new this.ort.Tensor(
        "float32",
        past ? past.values[i]! : empty,
        pastDims,
      );
    }
    const fetches = ["logits"];
    if (request.wantPresent) {
      for (let i = 0; i < layers; i++) fetches.push(presentKey(i), presentValue(i));
    }
    const out = await this.session.run(feeds, fetches);
    const logitsTensor = out["logits"];
    const allLogits = floats(logitsTensor);
    const rows = logitsTensor!.dims[1] ?? length;
    const result: AnalysisResult = {
      logits:
        request.logits === "all" ? allLogits : lastPosition(allLogits, batch, rows, vocabSize),
    };
    if (request.wantPresent) {
      result.present = {
        batch,
        heads,
        length: total,
        headDim,
        keys: range(layers).map((i) => floats(out[presentKey(i)])),
        values: range(layers).map((i) => floats(out[presentValue(i)])),
      } satisfies KvCache;
    }
    return result;
  }
}

export function floats(tensor: OrtTensor | undefined): Float32Array {
  if (!tensor || tensor.type !== "float32") throw new Error("expected a float32 output tensor");
  return tensor.data as Float32Array;
}

function lastPosition(logits: Float32Array, batch: number, rows: number, vocab: number) {
  if (rows === 1) return logits;
  const out = new Float32Array(batch * vocab);
  for (let b = 0; b < batch; b++) {
    const from = (b * rows + rows - 1) * vocab;
    out.set(logits.subarray(from, from + vocab), b * vocab);
  }
  return out;
}
