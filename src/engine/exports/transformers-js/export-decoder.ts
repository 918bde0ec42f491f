/**
 * One decoder run of a transformers.js export, fed the way transformers.js feeds it
 * (../../model/decoder-feeds.ts, shared with the bundle's session). The decoder may be the export's
 * own graph or its analysable form (analysable-decoder.ts): both have the same interface,
 * and the analysable one adds `attention_bias.{l}` inputs and `attentions.{l}`
 * outputs per query head, which analysis runs feed and fetch per key/value group
 * (kv-groups.ts).
 */
import type { KvCache } from "../../model/kv";
import type { OrtModule, OrtSession, OrtTensor } from "../../model/ort";
import type { AnalysisRequest, AnalysisResult, ModelDims } from "../../model/session";
import {
  attentionBias,
  attentions,
  presentKey,
  presentValue,
  residual,
} from "../../model/graph-names";
import { decoderFeeds } from "../../model/decoder-feeds";
import { biasPerQueryHead, groupMean, type Groups } from "./kv-groups";
import type { MropeLayout } from "./mrope";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export class ExportDecoder {
  private readonly ort: OrtModule;
  private readonly session: OrtSession;
  private readonly dims: ModelDims;
  private readonly groups: Groups;

  /**
   * `dims.heads` is the past cache's head count (key/value heads with GQA); `queryHeads`
   * the attention interface's (default: the same).
   */
  constructor(ort: OrtModule, session: OrtSession, dims: ModelDims, queryHeads = dims.heads) {
    this.ort = ort;
    this.session = session;
    this.dims = dims;
    this.groups = { queryHeads, kvHeads: dims.heads };
  }

  /** Whether the graph has the attention interface (bias inputs, attention outputs). */
  get hasAttention(): boolean {
    return (
      this.session.inputNames.includes(attentionBias(0)) &&
      this.session.outputNames.includes(attentions(0))
    );
  }

  /**
   * One run. `bias` (per layer, per key/value group or per query head) and
   * `wantAttentions` (returned per key/value group) need `hasAttention`. With `rope`
   * (Qwen2-VL family) position_ids are its `[3, batch, length]` positions of the
   * request's 1-D ones (mrope.ts).
   */
  async decode(request: AnalysisRequest, rope: MropeLayout | null = null): Promise<AnalysisResult> {
    const { layers, heads, headDim, vocabSize } = this.dims;
    const { batch, length } = request;
    const { feeds, total, pastLength } = decoderFeeds(
      this.ort,
      this.session.inputNames,
      this.dims,
      request,
    );
    if (rope) {
      const positions = request.positions ?? range(length).map((i) => pastLength + i);
      const ids = rope.positionIds(positions, batch);
      feeds["position_ids"] = new this.ort.Tensor("int64", ids, [3, batch, length]);
    }
    if ((request.bias || request.wantAttentions) && !this.hasAttention)
      throw new Error(
        "decode: this decoder graph has no attention bias inputs or attention outputs",
      );
    // Layer entry's graphs keep the bias inputs without the attention outputs.
    if (this.session.inputNames.includes(attentionBias(0)) && !request.bias) {
      // No bias: one zero that broadcasts over every layer's scores (attention-io.ts).
      const zero = new this.ort.Tensor("float32", new Float32Array(1), [1, 1, 1, 1]);
      for (let i = 0; i < layers; i++) feeds[attentionBias(i)] = zero;
    }
    if (request.bias) {
      if (request.bias.length !== layers)
        throw new Error(`decode: the bias has ${request.bias.length} layers, expected ${layers}`);
      request.bias.forEach((bias, i) => {
        const full = biasPerQueryHead(bias, this.groups, batch, length, total, attentionBias(i));
        const dims = [batch, this.groups.queryHeads, length, total];
        feeds[attentionBias(i)] = new this.ort.Tensor("float32", full, dims);
      });
    }
    const fetches = ["logits"];
    if (request.wantPresent) {
      for (let i = 0; i < layers; i++) fetches.push(presentKey(i), presentValue(i));
    }
    if (request.wantAttentions) for (let i = 0; i < layers; i++) fetches.push(attentions(i));
    // Only the residuals graph of layer entry has these (entry-decoders.ts).
    if (request.wantResiduals) for (let i = 1; i < layers; i++) fetches.push(residual(i));
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
    if (request.wantAttentions) {
      const expected = [batch, this.groups.queryHeads, length, total];
      result.attentions = range(layers).map((i) => {
        const tensor = out[attentions(i)];
        if (tensor?.dims.join() !== expected.join())
          throw new Error(
            `the decoder's ${attentions(i)} is [${tensor?.dims.join(", ") ?? ""}], expected [${expected.join(", ")}]`,
          );
        return groupMean(floats(tensor), this.groups, batch, length * total);
      });
    }
    if (request.wantResiduals) {
      result.residuals = range(layers).map((i) =>
        i === 0 ? request.embeds : floats(out[residual(i)]),
      );
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
