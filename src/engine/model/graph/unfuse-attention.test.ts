/**
 * The attention rewrite on decoders in the model builder's style (fixtures written by
 * scripts/fixtures/model-builder/make_gqa_decoder.py): the original GroupQueryAttention
 * graph, run by onnxruntime at batch 1, is the reference.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ort } from "../../node";
import { mulberry32 } from "../../math/random";
import { attentionBias, attentions, pastKey, pastValue, presentKey } from "../graph-names";
import { decodeModel, encodeModel } from "./onnx";
import { hasFusedAttention, unfuseAttention } from "./unfuse-attention";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}.onnx`, import.meta.url)));
/** The fixtures' geometry (make_gqa_decoder.py). */
const G = { layers: 2, heads: 4, kvHeads: 2, headDim: 16, hidden: 64, vocab: 48 };

type Tensor = InstanceType<typeof ort.Tensor>;
type Session = Awaited<ReturnType<typeof ort.InferenceSession.create>>;

function randomFloats(n: number, random: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => random() * 2 - 1);
}

interface Inputs {
  batch: number;
  past: number;
  length: number;
  embeds: Float32Array;
  /** Per layer, keys then values, each `[batch, kvHeads, past, headDim]`. */
  cache: Float32Array[];
}

function randomInputs(batch: number, past: number, length: number, seed: number): Inputs {
  const random = mulberry32(seed);
  const kvSize = batch * G.kvHeads * past * G.headDim;
  return {
    batch,
    past,
    length,
    embeds: randomFloats(batch * length * G.hidden, random),
    cache: Array.from({ length: 2 * G.layers }, () => randomFloats(kvSize, random)),
  };
}

function feeds(inputs: Inputs, extra: Record<string, Tensor> = {}): Record<string, Tensor> {
  const { batch, past, length } = inputs;
  const out: Record<string, Tensor> = {
    inputs_embeds: new ort.Tensor("float32", inputs.embeds, [batch, length, G.hidden]),
    attention_mask: new ort.Tensor("int64", new BigInt64Array(batch * (past + length)).fill(1n), [
      batch,
      past + length,
    ]),
    ...extra,
  };
  for (let l = 0; l < G.layers; l++) {
    const dims = [batch, G.kvHeads, past, G.headDim];
    out[pastKey(l)] = new ort.Tensor("float32", inputs.cache[2 * l]!, dims);
    out[pastValue(l)] = new ort.Tensor("float32", inputs.cache[2 * l + 1]!, dims);
  }
  return out;
}

/** Row b of a batched input (batch-1 copy). */
function row(inputs: Inputs, b: number): Inputs {
  const pick = (data: Float32Array) => {
    const size = data.length / inputs.batch;
    return data.slice(b * size, (b + 1) * size);
  };
  return { ...inputs, batch: 1, embeds: pick(inputs.embeds), cache: inputs.cache.map(pick) };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const floats = (t: Tensor | undefined) => t!.data as Float32Array;

async function open(bytes: Uint8Array): Promise<Session> {
  return ort.InferenceSession.create(bytes);
}

describe.each(["gqa-packed", "gqa-separate"])("unfuseAttention on %s", (name) => {
  const original = fixture(name);

  it("reproduces onnxruntime's refusal of batch > 1 after a past on the fused graph", async () => {
    expect(hasFusedAttention(original)).toBe(true);
    const session = await open(original);
    await expect(session.run(feeds(randomInputs(2, 3, 4, 1)))).rejects.toThrow(
      "batch_size must be 1 when sequence_length > 1 and past context is given",
    );
  });

  it("gives the fused graph's logits and present cache at batch 1 (prompt and suffix)", async () => {
    const fused = await open(original);
    const { bytes, layers } = unfuseAttention(original);
    expect(hasFusedAttention(bytes)).toBe(false);
    expect(layers).toEqual(Array(G.layers).fill({ heads: 4, kvHeads: 2, headDim: 16 }));
    const unfused = await open(bytes);
    for (const [past, length, seed] of [
      [0, 6, 2],
      [5, 4, 3],
      [7, 1, 4],
    ] as const) {
      const inputs = randomInputs(1, past, length, seed);
      const want = await fused.run(feeds(inputs));
      const got = await unfused.run(feeds(inputs));
      expect(maxDiff(floats(got["logits"]), floats(want["logits"]))).toBeLessThan(1e-4);
      for (let l = 0; l < G.layers; l++) {
        for (const out of [presentKey(l), `present.${l}.value`])
          expect(maxDiff(floats(got[out]), floats(want[out]))).toBeLessThan(1e-5);
      }
      // Not vacuous: the logits depend on the past (a different cache moves them).
      if (past > 0) {
        const other = await fused.run(
          feeds({ ...inputs, cache: randomInputs(1, past, length, 99).cache }),
        );
        expect(maxDiff(floats(other["logits"]), floats(want["logits"]))).toBeGreaterThan(0.05);
      }
    }
  });

  it("runs a batch-2 suffix over a past, equal to two batch-1 runs of the fused graph", async () => {
    const fused = await open(original);
    const unfused = await open(unfuseAttention(original).bytes);
    const inputs = randomInputs(2, 5, 4, 6);
    const got = await unfused.run(feeds(inputs));
    const logits = floats(got["logits"]);
    const rowSize = logits.length / 2;
    for (let b = 0; b < 2; b++) {
      const want = await fused.run(feeds(row(inputs, b)));
      const rowLogits = logits.subarray(b * rowSize, (b + 1) * rowSize);
      expect(maxDiff(rowLogits, floats(want["logits"]))).toBeLessThan(1e-4);
    }
  });

  it("outputs attention probabilities and adds the attention bias before the softmax", async () => {
    const { bytes } = unfuseAttention(original, { bias: true, attentions: true });
    const session = await open(bytes);
    const inputs = randomInputs(2, 3, 4, 7);
    const [batch, length, total] = [2, 4, 7];
    const zeros = () =>
      new ort.Tensor("float32", new Float32Array(batch * G.heads * length * total), [
        batch,
        G.heads,
        length,
        total,
      ]);
    const clean: Record<string, Tensor> = {};
    for (let l = 0; l < G.layers; l++) clean[attentionBias(l)] = zeros();
    const plain = await open(unfuseAttention(original).bytes);
    const base = await session.run(feeds(inputs, clean));
    const reference = await plain.run(feeds(inputs));
    expect(maxDiff(floats(base["logits"]), floats(reference["logits"]))).toBe(0);
    const last = G.layers - 1;
    const probs = floats(base[attentions(last)]);
    expect(base[attentions(last)]!.dims).toEqual([batch, G.heads, length, total]);
    for (let r = 0; r < batch * G.heads * length; r++) {
      const rowProbs = probs.subarray(r * total, (r + 1) * total);
      const i = r % length;
      expect(rowProbs.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
      // Causal: token i (position 3 + i) sees keys 0 .. 3 + i only.
      for (let j = 3 + i + 1; j < total; j++) expect(rowProbs[j]).toBe(0);
    }
    // Block key 1 for batch row 1, head 2, every token, in the last layer only: that layer's
    // inputs are unchanged, so its probabilities renormalise over the other keys exactly.
    const bias = zeros();
    const data = bias.data as Float32Array;
    for (let i = 0; i < length; i++) data[((1 * G.heads + 2) * length + i) * total + 1] = -1e9;
    const blocked = await session.run(feeds(inputs, { ...clean, [attentionBias(last)]: bias }));
    const after = floats(blocked[attentions(last)]);
    for (let r = 0; r < batch * G.heads * length; r++) {
      const before = probs.subarray(r * total, (r + 1) * total);
      const now = after.subarray(r * total, (r + 1) * total);
      const target = r >= (1 * G.heads + 2) * length && r < (1 * G.heads + 3) * length;
      for (let j = 0; j < total; j++) {
        const want = !target ? before[j]! : j === 1 ? 0 : before[j]! / (1 - before[1]!);
        expect(Math.abs(now[j]! - want)).toBeLessThan(1e-6);
      }
    }
    expect(maxDiff(floats(blocked["logits"]), floats(base["logits"]))).toBeGreaterThan(1e-3);
  });

  it("refuses forms it cannot reproduce, naming the node and the reason", () => {
    const model = decodeModel(original);
    const node = model.graph!.node!.find((n) => n.op_type === "GroupQueryAttention")!;
    node.attribute!.find((a) => a.name === "local_window_size")!.i = 8;
    expect(() => unfuseAttention(encodeModel(model))).toThrow(
      /GroupQueryAttention node \/model\/layers\.0\/attn\/GroupQueryAttention: local_window_size 8/,
    );
  });
});
