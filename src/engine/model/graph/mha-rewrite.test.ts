/**
 * The attention rewrite on decoders with onnxruntime's MultiHeadAttention and Attention
 * ops (fixtures written by scripts/fixtures/model-builder/make_mha_decoder.py). References:
 * the original fused graph run by onnxruntime at batch 1, and mha-reference.json (the
 * same decoders computed in numpy float64 from the ops' definitions, knockouts included).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ort } from "../../node";
import { mulberry32 } from "../../math/random";
import { attentionBias, attentions, pastKey, pastValue, presentKey } from "../graph-names";
import { analysableDecoder } from "../../exports/transformers-js/analysable-decoder";
import { decodeModel, encodeModel, type ModelProto } from "./onnx";
import { hasFusedAttention, unfuseAttention } from "./unfuse-attention";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}.onnx`, import.meta.url)));
/** The fixtures' geometry (make_mha_decoder.py). */
const G = { layers: 2, heads: 4, headDim: 16, hidden: 64, vocab: 48 };
const GEOMETRY = { layers: 2, queryHeads: 4, kvHeads: 4, headDim: 16 };

interface Reference {
  past: number;
  suffix: number;
  blocked: [number, number];
  embeds: number[];
  knockouts: { layer: number; head: number | null }[];
  graphs: Record<string, { logits: number[]; attentions: number[][]; knockoutLogits: number[][] }>;
}
const REFERENCE = JSON.parse(
  readFileSync(new URL("./fixtures/mha-reference.json", import.meta.url), "utf8"),
) as Reference;

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
  /** Per layer, keys then values, each `[batch, heads, past, headDim]`. */
  cache: Float32Array[];
  /** `[batch, past + length]`; all ones when absent. */
  mask?: BigInt64Array;
}

function randomInputs(batch: number, past: number, length: number, seed: number): Inputs {
  const random = mulberry32(seed);
  const kvSize = batch * G.heads * past * G.headDim;
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
  const total = past + length;
  const positions = BigInt64Array.from({ length: batch * length }, (_, i) =>
    BigInt(past + (i % length)),
  );
  const out: Record<string, Tensor> = {
    inputs_embeds: new ort.Tensor("float32", inputs.embeds, [batch, length, G.hidden]),
    attention_mask: new ort.Tensor(
      "int64",
      inputs.mask ?? new BigInt64Array(batch * total).fill(1n),
      [batch, total],
    ),
    position_ids: new ort.Tensor("int64", positions, [batch, length]),
    ...extra,
  };
  for (let l = 0; l < G.layers; l++) {
    const dims = [batch, G.heads, past, G.headDim];
    out[pastKey(l)] = new ort.Tensor("float32", inputs.cache[2 * l]!, dims);
    out[pastValue(l)] = new ort.Tensor("float32", inputs.cache[2 * l + 1]!, dims);
  }
  return out;
}

/** Row b of a batched input (batch-1 copy). */
function row(inputs: Inputs, b: number): Inputs {
  const pick = <T extends Float32Array | BigInt64Array>(data: T): T => {
    const size = data.length / inputs.batch;
    return data.slice(b * size, (b + 1) * size) as T;
  };
  return {
    ...inputs,
    batch: 1,
    embeds: pick(inputs.embeds),
    cache: inputs.cache.map(pick),
    ...(inputs.mask ? { mask: pick(inputs.mask) } : {}),
  };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const floats = (t: Tensor | undefined) => t!.data as Float32Array;
const open = (bytes: Uint8Array): Promise<Session> => ort.InferenceSession.create(bytes);
/** The `[1, 1, 1, 1]` zero bias of a plain run (attention-io.ts), for every layer. */
const zeroBias = () =>
  Object.fromEntries(
    Array.from({ length: G.layers }, (_, l) => [
      attentionBias(l),
      new ort.Tensor("float32", new Float32Array(1), [1, 1, 1, 1]),
    ]),
  );

const STYLES = ["mha-rotary", "mha-causal", "attention-packed"] as const;
const OP = {
  "mha-rotary": "MultiHeadAttention",
  "mha-causal": "MultiHeadAttention",
  "attention-packed": "Attention",
};

describe.each(STYLES)("unfuseAttention on %s", (name) => {
  const original = fixture(name);

  it("rewrites every fused node and reports the geometry", () => {
    expect(hasFusedAttention(original)).toBe(true);
    const { bytes, layers } = unfuseAttention(original);
    expect(hasFusedAttention(bytes)).toBe(false);
    const ops = decodeModel(bytes).graph!.node!.map((n) => n.op_type);
    expect(ops).not.toContain(OP[name]);
    expect(layers).toEqual(Array(G.layers).fill({ heads: 4, kvHeads: 4, headDim: 16 }));
  });

  it("gives the fused graph's logits and present cache at batch 1 (prompt, suffix, one token)", async () => {
    const fused = await open(original);
    const unfused = await open(unfuseAttention(original).bytes);
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

  it("follows the fused graph's attention mask (a padded key, at batch 1)", async () => {
    const fused = await open(original);
    const unfused = await open(unfuseAttention(original).bytes);
    const inputs = randomInputs(1, 5, 3, 12);
    inputs.mask = BigInt64Array.from([1n, 0n, 1n, 0n, 1n, 1n, 1n, 1n]);
    const want = floats((await fused.run(feeds(inputs)))["logits"]);
    const got = floats((await unfused.run(feeds(inputs)))["logits"]);
    expect(maxDiff(got, want)).toBeLessThan(1e-4);
    const unpadded = floats((await fused.run(feeds({ ...inputs, mask: undefined })))["logits"]);
    expect(maxDiff(unpadded, want)).toBeGreaterThan(0.01);
  });

  it("runs batched suffixes over a shared past, equal to batch-1 runs of the fused graph", async () => {
    const fused = await open(original);
    const unfused = await open(unfuseAttention(original).bytes);
    // The engine's case: one past repeated for every row, a different suffix per row.
    const batch = 3;
    const shared = randomInputs(1, 5, 4, 6);
    const inputs: Inputs = {
      ...randomInputs(batch, 5, 4, 8),
      cache: shared.cache.map((c) => {
        const out = new Float32Array(c.length * batch);
        for (let b = 0; b < batch; b++) out.set(c, b * c.length);
        return out;
      }),
    };
    const logits = floats((await unfused.run(feeds(inputs)))["logits"]);
    const rowSize = logits.length / batch;
    for (let b = 0; b < batch; b++) {
      const want = floats((await fused.run(feeds(row(inputs, b))))["logits"]);
      expect(maxDiff(logits.subarray(b * rowSize, (b + 1) * rowSize), want)).toBeLessThan(1e-4);
    }
  });

  it("matches the numpy reference: clean logits, attention probabilities and knockouts", async () => {
    const session = await open(unfuseAttention(original, { bias: true, attentions: true }).bytes);
    const ref = REFERENCE.graphs[name]!;
    const { past, suffix } = REFERENCE;
    const total = past + suffix;
    const embeds = Float32Array.from(REFERENCE.embeds);
    // The past from the rewritten graph's own prompt run, then the suffix over it.
    const prompt: Inputs = {
      batch: 1,
      past: 0,
      length: past,
      embeds: embeds.subarray(0, past * G.hidden),
      cache: Array.from({ length: 2 * G.layers }, () => new Float32Array(0)),
    };
    const prefill = await session.run(feeds(prompt, zeroBias()));
    const cache = Array.from({ length: G.layers }, (_, l) => [
      floats(prefill[presentKey(l)]),
      floats(prefill[`present.${l}.value`]),
    ]).flat();
    const inputs: Inputs = {
      batch: 1,
      past,
      length: suffix,
      embeds: embeds.subarray(past * G.hidden),
      cache,
    };
    const clean = await session.run(feeds(inputs, zeroBias()));
    expect(maxDiff(floats(clean["logits"]), ref.logits)).toBeLessThan(1e-4);
    for (let l = 0; l < G.layers; l++) {
      const probs = floats(clean[attentions(l)]);
      expect(clean[attentions(l)]!.dims).toEqual([1, G.heads, suffix, total]);
      expect(maxDiff(probs, ref.attentions[l]!)).toBeLessThan(1e-5);
      for (let r = 0; r < G.heads * suffix; r++) {
        const rowProbs = probs.subarray(r * total, (r + 1) * total);
        expect(Math.abs(rowProbs.reduce((s, p) => s + p, 0) - 1)).toBeLessThan(1e-5);
        // Causal: suffix token i (position past + i) gives keys after it exactly zero.
        for (let j = past + (r % suffix) + 1; j < total; j++) expect(rowProbs[j]).toBe(0);
      }
    }
    const [from, to] = REFERENCE.blocked;
    for (const [i, knockout] of REFERENCE.knockouts.entries()) {
      const bias = new Float32Array(G.heads * suffix * total);
      for (let h = 0; h < G.heads; h++) {
        if (knockout.head !== null && knockout.head !== h) continue;
        for (let q = 0; q < suffix; q++)
          for (let j = from; j < to; j++) bias[(h * suffix + q) * total + j] = -1e9;
      }
      const got = await session.run(
        feeds(inputs, {
          ...zeroBias(),
          [attentionBias(knockout.layer)]: new ort.Tensor("float32", bias, [
            1,
            G.heads,
            suffix,
            total,
          ]),
        }),
      );
      const want = ref.knockoutLogits[i]!;
      expect(maxDiff(floats(got["logits"]), want)).toBeLessThan(1e-4);
      // Not vacuous: the knockout moves the logits well beyond the tolerance.
      expect(maxDiff(want, ref.logits)).toBeGreaterThan(0.01);
    }
  });
});

/** The fixture with `edit` applied to its first fused node. */
function edited(name: string, edit: (model: ModelProto) => void): Uint8Array {
  const model = decodeModel(fixture(name));
  edit(model);
  return encodeModel(model);
}
const firstFused = (model: ModelProto, op: string) =>
  model.graph!.node!.find((n) => n.op_type === op && n.domain === "com.microsoft")!;

describe("forms the MultiHeadAttention / Attention rewrite refuses", () => {
  it("refuses rotary inside Attention, naming the node", () => {
    const bytes = edited("attention-packed", (m) =>
      firstFused(m, "Attention").attribute!.push({ name: "do_rotary", type: 2, i: 1 }),
    );
    expect(() => unfuseAttention(bytes)).toThrow(
      /Attention node \/model\/layers\.0\/self_attn\/Attention: do_rotary=1/,
    );
  });

  it("refuses a MultiHeadAttention without a past (encoder or cross-attention)", () => {
    const bytes = edited("mha-causal", (m) => {
      const node = firstFused(m, "MultiHeadAttention");
      node.input = node.input!.slice(0, 6);
      node.output = node.output!.slice(0, 1);
    });
    expect(() => unfuseAttention(bytes)).toThrow(/has no past_key \/ past_value/);
  });

  it("refuses a cache that is neither float32 nor float16 (float16: fp16-decoder.test.ts)", () => {
    const bytes = edited("mha-rotary", (m) => {
      for (const input of m.graph!.input!)
        if (input.name!.startsWith("past_key_values.")) input.type!.tensor_type!.elem_type = 16;
    });
    expect(() => unfuseAttention(bytes)).toThrow(
      /its key\/value cache has ONNX type 16 \(float32 or float16 expected\)/,
    );
  });

  it("refuses a key padding mask whose rank the graph does not state", () => {
    const bytes = edited("mha-causal", (m) => {
      const cast = m.graph!.node!.find((n) => n.name === "/model/attention_mask/Cast")!;
      // The mask now comes from a Reshape: its rank is not known without inference.
      m.graph!.initializer!.push({
        name: "shape_2d",
        data_type: 7,
        dims: [2],
        int64_data: [1, -1],
      });
      m.graph!.node!.unshift({
        name: "reshape_mask",
        op_type: "Reshape",
        domain: "",
        input: ["attention_mask", "shape_2d"],
        output: ["reshaped_mask"],
        attribute: [],
      });
      cast.input = ["reshaped_mask"];
    });
    expect(() => unfuseAttention(bytes)).toThrow(
      /key_padding_mask has a rank the graph does not state/,
    );
  });
});

describe("analysableDecoder on MultiHeadAttention / Attention decoders", () => {
  it.each(STYLES)("rewrites %s with the attention interface", (name) => {
    const result = analysableDecoder(fixture(name), GEOMETRY);
    expect(result).toMatchObject({ rewritten: true, refusal: null, attentionRefusal: null });
    const inputs = decodeModel(result.bytes).graph!.input!.map((i) => i.name);
    expect(inputs).toContain("attention_bias.1");
  });

  it("keeps a form it cannot rewrite, with the reason", () => {
    const bytes = edited("attention-packed", (m) =>
      firstFused(m, "Attention").attribute!.push({
        name: "past_present_share_buffer",
        type: 2,
        i: 1,
      }),
    );
    const result = analysableDecoder(bytes, GEOMETRY);
    expect(result.rewritten).toBe(false);
    expect(result.bytes).toBe(bytes);
    expect(result.attentionRefusal).toMatch(/past_present_share_buffer=1 is not supported/);
  });
});
