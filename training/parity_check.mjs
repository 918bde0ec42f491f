#!/usr/bin/env node
// Runs an exported bundle with onnxruntime-node and compares it with the PyTorch fixtures
// in its parity.json (docs/BUNDLE.md). Independent of src/engine on purpose.
//
//   node training/parity_check.mjs [bundleDir=public/models/emoji-vlm] [--tol 1e-3] [--json out.json]
//
// Checks: tokenizer (@huggingface/tokenizers) reproduces input_ids; vision features;
// whole-sequence logits (merged decoder, no past); incremental logits (prefix+image with
// no past, then the text with the cache); analysis graph (zero bias) logits and final-token
// attention probabilities; head ablation with the blank baseline done the engine's way
// (splicing the blank image's cached keys/values into the past for the ablated heads)
// against PyTorch's whole-sequence substitution inside attention.
import fs from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { Tokenizer } from "@huggingface/tokenizers";

const args = process.argv.slice(2);
let dir = "public/models/emoji-vlm";
let tol = 1e-3;
let jsonOut = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--tol") tol = Number(args[++i]);
  else if (args[i] === "--json") jsonOut = args[++i];
  else dir = args[i];
}
const rd = (p) => JSON.parse(fs.readFileSync(path.join(dir, p), "utf8"));
const man = rd("headflow.json");
const par = rd("parity.json");
const tok = new Tokenizer(rd("tokenizer.json"), rd("tokenizer_config.json"));
const L = man.layers;
const H = man.heads;
const dh = man.headDim;
const D = man.hiddenSize;
const S = man.image.size;
const NI = man.image.tokens;

const opts = { executionProviders: ["cpu"], graphOptimizationLevel: "all" };
const sess = {};
for (const [k, p] of Object.entries(man.graphs)) {
  sess[k] = await ort.InferenceSession.create(path.join(dir, p), opts);
}

const i64 = (arr, dims) =>
  new ort.Tensor("int64", BigInt64Array.from(arr.map((x) => BigInt(x))), dims);
const f32 = (arr, dims) =>
  new ort.Tensor("float32", arr instanceof Float32Array ? arr : Float32Array.from(arr), dims);
function maxDiff(a, b) {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
const argmax = (a) => a.reduce((bi, v, i) => (v > a[bi] ? i : bi), 0);

function pixelValues(u8) {
  const x = new Float32Array(3 * S * S);
  for (let y = 0; y < S; y++)
    for (let xx = 0; xx < S; xx++)
      for (let c = 0; c < 3; c++) {
        const v =
          Math.fround(Math.fround(u8[(y * S + xx) * 3 + c] * Math.fround(1 / 255)) - 0.5) / 0.5;
        x[c * S * S + y * S + xx] = v;
      }
  return x;
}

async function imageFeatures(u8) {
  const r = await sess.vision.run({ pixel_values: f32(pixelValues(u8), [1, 3, S, S]) });
  return r.image_features.data;
}

async function embeds(ids, feats) {
  const r = await sess.embed.run({ input_ids: i64(ids, [1, ids.length]) });
  const e = Float32Array.from(r.inputs_embeds.data);
  let k = 0;
  for (let t = 0; t < ids.length; t++) {
    if (ids[t] === man.imageTokenId) {
      e.set(feats.subarray(k * D, (k + 1) * D), t * D);
      k++;
    }
  }
  return e;
}

function emptyPast() {
  const p = {};
  for (let i = 0; i < L; i++) {
    p[`past_key_values.${i}.key`] = f32(new Float32Array(0), [1, H, 0, dh]);
    p[`past_key_values.${i}.value`] = f32(new Float32Array(0), [1, H, 0, dh]);
  }
  return p;
}

async function decode(graph, emb, T, start, past, P, extra = {}) {
  const feeds = {
    inputs_embeds: f32(emb, [1, T, D]),
    attention_mask: i64(new Array(P + T).fill(1), [1, P + T]),
    position_ids: i64(
      Array.from({ length: T }, (_, i) => start + i),
      [1, T],
    ),
    ...past,
    ...extra,
  };
  return sess[graph].run(feeds);
}

function presentsAsPast(out) {
  const p = {};
  for (let i = 0; i < L; i++) {
    p[`past_key_values.${i}.key`] = out[`present.${i}.key`];
    p[`past_key_values.${i}.value`] = out[`present.${i}.value`];
  }
  return p;
}

const V = man.vocabSize;
const lastLogits = (out, T) => out.logits.data.subarray((T - 1) * V, T * V);
const res = { dir, tol, cases: [] };
let worst = 0;
let tokOk = true;
for (const c of par.cases) {
  const r = { name: c.name };
  // tokenizer
  const prompt = man.chatTemplate.replace("{question}", c.question);
  const enc = tok.encode(prompt).ids;
  const expanded = enc.flatMap((id) => (id === man.imageTokenId ? new Array(NI).fill(id) : [id]));
  r.tokenizer = JSON.stringify(expanded) === JSON.stringify(c.input_ids);
  tokOk &&= r.tokenizer;
  const ids = c.input_ids;
  const T = ids.length;
  const [a, b] = c.image_token_range;
  const feats = await imageFeatures(c.pixels_u8);
  if (c.image_features) r.vision = maxDiff(feats, c.image_features);
  const emb = await embeds(ids, feats);
  // whole sequence
  const full = await decode("decoder", emb, T, 0, emptyPast(), 0);
  const lg = lastLogits(full, T);
  r.logits = maxDiff(lg, c.logits);
  r.top1 = tok.decode([argmax(Array.from(lg))]);
  r.top1_match = argmax(Array.from(lg)) === argmax(c.logits);
  // incremental: [0, b) then [b, T)
  const pre = await decode("decoder", emb.subarray(0, b * D), b, 0, emptyPast(), 0);
  const inc = await decode("decoder", emb.subarray(b * D), T - b, b, presentsAsPast(pre), b);
  r.incremental = maxDiff(lastLogits(inc, T - b), c.logits);
  // analysis graph
  const bias = {};
  for (let i = 0; i < L; i++)
    bias[`attention_bias.${i}`] = f32(new Float32Array(H * T * T), [1, H, T, T]);
  const an = await decode("analysis", emb, T, 0, emptyPast(), 0, bias);
  r.analysis_logits = maxDiff(lastLogits(an, T), c.logits);
  if (c.attentions) {
    let m = 0;
    for (const [l, heads] of Object.entries(c.attentions.layers)) {
      const A = an[`attentions.${l}`].data;
      heads.forEach((row, h) => {
        const q = c.attentions.query_position;
        const got = A.subarray((h * T + q) * T, (h * T + q + 1) * T);
        m = Math.max(m, maxDiff(got, row));
      });
    }
    r.attentions = m;
  }
  // ablation by KV splicing (the engine's way)
  const blankU8 = new Uint8Array(S * S * 3).fill(par.blank_pixel_u8);
  const bembs = await embeds(ids, await imageFeatures(blankU8));
  const bpre = await decode("decoder", bembs.subarray(0, b * D), b, 0, emptyPast(), 0);
  r.ablations = {};
  for (const ab of c.ablations) {
    const past = {};
    for (let i = 0; i < L; i++) {
      for (const kv of ["key", "value"]) {
        const own = Float32Array.from(pre[`present.${i}.${kv}`].data);
        const base = bpre[`present.${i}.${kv}`].data;
        for (const [l, h] of ab.heads) {
          if (l !== i) continue;
          for (let p = a; p < b; p++) {
            const o = (h * b + p) * dh;
            own.set(base.subarray(o, o + dh), o);
          }
        }
        past[`past_key_values.${i}.${kv}`] = f32(own, [1, H, b, dh]);
      }
    }
    const out = await decode("decoder", emb.subarray(b * D), T - b, b, past, b);
    r.ablations[ab.name] = maxDiff(lastLogits(out, T - b), ab.logits);
  }
  for (const v of [
    r.vision,
    r.logits,
    r.incremental,
    r.analysis_logits,
    r.attentions,
    ...Object.values(r.ablations),
  ]) {
    if (v !== undefined) worst = Math.max(worst, v);
  }
  res.cases.push(r);
}
res.max_abs_diff = worst;
res.tokenizer_ok = tokOk;
res.pass = worst <= tol && tokOk;
console.log(JSON.stringify(res, null, 1));
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(res, null, 1));
process.exit(res.pass ? 0 : 1);
