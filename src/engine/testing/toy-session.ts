/**
 * A tiny, exact attention model behind the engine's VlmSession interface, for tests whose
 * answer is known by construction (which head matters, which token edge matters).
 *
 * Architecture ("parallel attention layers"): every layer reads the token embeddings
 * directly, so a position's keys and values depend only on its own embedding, and the
 * logits of position t are
 *
 *     logits_t = sum over layers l, heads h of  readout[l][h] (o_{l,h,t})
 *     o_{l,h,t} = sum_s softmax_s(q_{l,h,t} . k_{l,h,s} + bias_{l,h,t,s}) v_{l,h,s}
 *
 * with causal attention over past + current positions. This keeps the semantics the
 * engine relies on exactly true (a key/value cache of earlier positions, substitution of
 * image key/values as the paper's ablation, additive attention bias as knockout) while
 * letting a test decide, weight by weight, what carries the answer.
 */
import type { KvCache } from "../model/kv";
import type {
  AnalysisRequest,
  AnalysisResult,
  DecodeRequest,
  ModelDims,
  VlmSession,
} from "../model/session";

/** Linear maps of one head: `[hiddenSize][headDim]` query/key/value and `[headDim][vocab]` readout. */
export interface ToyHead {
  query: number[][];
  key: number[][];
  value: number[][];
  readout: number[][];
}

export interface ToyModel {
  dims: ModelDims;
  /** Token id -> embedding (`hiddenSize` numbers). */
  embedding: (id: number) => number[];
  /**
   * Image -> per-patch embeddings: gets the `[3, size, size]` pixels of one image and
   * returns `imageTokens` vectors of `hiddenSize` numbers.
   */
  encodePatches: (pixels: Float32Array) => number[][];
  /** heads[layer][head]. */
  heads: ToyHead[][];
}

/** A `rows x cols` matrix of zeros. */
export function zeros(rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

/** A head that does nothing (zero readout), with uniform attention (zero query and key). */
export function silentHead(dims: ModelDims): ToyHead {
  const { hiddenSize: d, headDim: k, vocabSize: v } = dims;
  return { query: zeros(d, k), key: zeros(d, k), value: zeros(d, k), readout: zeros(k, v) };
}

function project(x: ArrayLike<number>, at: number, matrix: number[][], out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < matrix.length; i++) {
    const xi = x[at + i]!;
    if (xi === 0) continue;
    const row = matrix[i]!;
    for (let j = 0; j < out.length; j++) out[j]! += xi * row[j]!;
  }
}

export class ToySession implements VlmSession {
  readonly dims: ModelDims;
  private readonly model: ToyModel;
  /** Number of decode/decodeAnalysis calls and the batch rows they ran (for batching checks). */
  calls = 0;
  rows = 0;

  constructor(model: ToyModel) {
    this.model = model;
    this.dims = model.dims;
  }

  async encodeImage(pixelValues: Float32Array, batch: number): Promise<Float32Array> {
    const { imageSize, imageTokens, hiddenSize } = this.dims;
    const per = 3 * imageSize * imageSize;
    const out = new Float32Array(batch * imageTokens * hiddenSize);
    for (let b = 0; b < batch; b++) {
      const patches = this.model.encodePatches(pixelValues.subarray(b * per, (b + 1) * per));
      patches.forEach((vector, p) => out.set(vector, (b * imageTokens + p) * hiddenSize));
    }
    return out;
  }

  async embed(ids: readonly number[]): Promise<Float32Array> {
    const d = this.dims.hiddenSize;
    const out = new Float32Array(ids.length * d);
    ids.forEach((id, t) => out.set(this.model.embedding(id), t * d));
    return out;
  }

  async decode(request: DecodeRequest): Promise<DecodeResult> {
    return this.run(request);
  }

  async decodeAnalysis(request: AnalysisRequest): Promise<AnalysisResult> {
    return this.run(request);
  }

  async release(): Promise<void> {}

  private run(request: AnalysisRequest): AnalysisResult {
    const { layers, heads, headDim: k, hiddenSize: d, vocabSize: vocab } = this.dims;
    const { batch, length, past, embeds } = request;
    const pastLength = past ? past.length : 0;
    if (past && past.batch !== batch) throw new Error("toy decode: past batch differs");
    this.calls++;
    this.rows += batch;
    const total = pastLength + length;
    const allLogits = new Float32Array(batch * length * vocab);
    const present: KvCache = {
      batch,
      heads,
      length: total,
      headDim: k,
      keys: [],
      values: [],
    };
    const attentions: Float32Array[] = [];
    const q = new Float64Array(k);
    const scratch = new Float64Array(k);
    const scores = new Float64Array(total);
    for (let l = 0; l < layers; l++) {
      const keys = new Float32Array(batch * heads * total * k);
      const values = new Float32Array(batch * heads * total * k);
      const attention = new Float32Array(batch * heads * length * total);
      const bias = request.bias?.[l];
      for (let b = 0; b < batch; b++) {
        for (let h = 0; h < heads; h++) {
          const head = this.model.heads[l]![h]!;
          const base = (b * heads + h) * total * k;
          if (past) {
            const from = (b * heads + h) * pastLength * k;
            keys.set(past.keys[l]!.subarray(from, from + pastLength * k), base);
            values.set(past.values[l]!.subarray(from, from + pastLength * k), base);
          }
          for (let t = 0; t < length; t++) {
            const at = (b * length + t) * d;
            project(embeds, at, head.key, scratch);
            keys.set(scratch, base + (pastLength + t) * k);
            project(embeds, at, head.value, scratch);
            values.set(scratch, base + (pastLength + t) * k);
          }
          for (let t = 0; t < length; t++) {
            project(embeds, (b * length + t) * d, head.query, q);
            const visible = pastLength + t + 1;
            let max = -Infinity;
            for (let s = 0; s < visible; s++) {
              let score = 0;
              for (let j = 0; j < k; j++) score += q[j]! * keys[base + s * k + j]!;
              score /= Math.sqrt(k);
              if (bias) score += bias[((b * heads + h) * length + t) * total + s]!;
              scores[s] = score;
              max = Math.max(max, score);
            }
            let sum = 0;
            for (let s = 0; s < visible; s++) sum += scores[s] = Math.exp(scores[s]! - max);
            const output = new Float64Array(k);
            const attentionRow = ((b * heads + h) * length + t) * total;
            for (let s = 0; s < visible; s++) {
              const p = scores[s]! / sum;
              attention[attentionRow + s] = p;
              for (let j = 0; j < k; j++) output[j]! += p * values[base + s * k + j]!;
            }
            const logitsAt = (b * length + t) * vocab;
            for (let j = 0; j < k; j++) {
              const o = output[j]!;
              if (o === 0) continue;
              const row = head.readout[j]!;
              for (let v = 0; v < vocab; v++) allLogits[logitsAt + v]! += o * row[v]!;
            }
          }
        }
      }
      present.keys.push(keys);
      present.values.push(values);
      attentions.push(attention);
    }
    const result: AnalysisResult = {
      logits: request.logits === "all" ? allLogits : lastPositions(allLogits, batch, length, vocab),
    };
    if (request.wantPresent) result.present = present;
    if (request.wantAttentions) result.attentions = attentions;
    return result;
  }
}

type DecodeResult = AnalysisResult;

function lastPositions(logits: Float32Array, batch: number, length: number, vocab: number) {
  const out = new Float32Array(batch * vocab);
  for (let b = 0; b < batch; b++) {
    const from = (b * length + length - 1) * vocab;
    out.set(logits.subarray(from, from + vocab), b * vocab);
  }
  return out;
}
