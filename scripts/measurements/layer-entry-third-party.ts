/**
 * Mask runs with and without layer entry on a third-party decoder at SmolVLM-256M's real
 * geometry (random weights, the model builder's style; not committed):
 *
 *     /usr/bin/python3 scripts/fixtures/model-builder/make_gqa_decoder.py --real-scale --out .cache/layer-entry
 *     npx tsx scripts/measurements/layer-entry-third-party.ts .cache/layer-entry/gqa-smolvlm-256m.onnx [masks] [batch]
 *
 * The decoder is opened in its analysable form (as ThirdPartySession does), a random
 * 16-token prefix + 1,088 image tokens (17 tiles x 64) are prefilled, and the same masks
 * (each key/value head ablated with probability 0.05, attribution's default) run through
 * the AblationRunner over an 18-token suffix: through the whole decoder, with layer entry
 * at the default memory budget (the decoder's bytes), and at 4x that. Each configuration
 * runs the masks once to open its graphs, then is timed over `repeats` runs, interleaved
 * so that the machine's load falls on all of them alike. Prints ms per mask, the entry
 * layers, the graphs' opening time and the largest logit difference from the whole
 * decoder.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { AblationRunner } from "../../src/engine/ablation/runner";
import { analysableDecoder } from "../../src/engine/exports/transformers-js/analysable-decoder";
import { EntryDecoders } from "../../src/engine/exports/transformers-js/entry-decoders";
import { ExportDecoder } from "../../src/engine/exports/transformers-js/export-decoder";
import {
  prefillCache,
  prefixThenImage,
} from "../../src/engine/exports/transformers-js/synthetic-prefill";
import { mulberry32 } from "../../src/engine/math/random";
import { sliceImageKv } from "../../src/engine/model/kv";
import type { Prefilled } from "../../src/engine/model/prefill";
import type { ModelDims, VlmSession } from "../../src/engine/model/session";
import { NODE_SESSION_OPTIONS, ort } from "../../src/engine/node";

const [path, masksArg, batchArg, repeatsArg] = process.argv.slice(2);
if (!path) throw new Error("usage: layer-entry-third-party.ts <decoder.onnx> [masks] [batch]");
const COUNT = Number(masksArg ?? 48);
const BATCH = Number(batchArg ?? 8);
const REPEATS = Number(repeatsArg ?? 2);
const [PREFIX, IMAGE, SUFFIX] = [16, 1088, 18];
const geometry = { layers: 30, queryHeads: 9, kvHeads: 3, headDim: 64 };
const dims: ModelDims = {
  layers: 30,
  heads: 3,
  headDim: 64,
  hiddenSize: 576,
  vocabSize: 49280,
  imageTokens: IMAGE,
  imageSize: 0,
};
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
const seconds = (start: number) => ((performance.now() - start) / 1000).toFixed(1);

const exported = new Uint8Array(readFileSync(path));
let start = performance.now();
const analysable = analysableDecoder(exported, geometry);
console.log(`rewrite: ${seconds(start)} s, ${(analysable.bytes.length / 2 ** 20).toFixed(0)} MiB`);
const whole = new ExportDecoder(
  ort,
  await ort.InferenceSession.create(analysable.bytes, NODE_SESSION_OPTIONS),
  dims,
  geometry.queryHeads,
);
const unused = () => Promise.reject(new Error("not used here"));
function session(entry: EntryDecoders | null): VlmSession {
  return {
    dims,
    decode: (r) =>
      entry && (r.fromLayer !== undefined || r.wantResiduals)
        ? entry.decode(r, null)
        : whole.decode(r),
    ...(entry
      ? { layerEntry: () => entry.available(), entryLayer: (f: number) => entry.entryLayer(f) }
      : {}),
    encodeImage: unused,
    embed: unused,
    decodeAnalysis: unused,
    release: () => Promise.resolve(),
  };
}

const random = mulberry32(1);
const floats = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
const hidden = dims.hiddenSize;
const prefix = floats(PREFIX * hidden);
const withImage = () => prefixThenImage(prefix, floats(IMAGE * hidden));
const prefill = (embeds: Float32Array) => prefillCache(whole, embeds, PREFIX + IMAGE);
start = performance.now();
const cache = await prefill(withImage());
const baseline = sliceImageKv(await prefill(withImage()), PREFIX, PREFIX + IMAGE);
console.log(`two prefills of ${PREFIX + IMAGE} tokens: ${seconds(start)} s`);
const prefilled: Prefilled = {
  prompt: { question: "", ids: [], tokens: [], imageStart: PREFIX, imageEnd: PREFIX + IMAGE },
  cache,
  suffixEmbeds: floats(SUFFIX * hidden),
  suffixLength: SUFFIX,
};
const size = dims.layers * dims.heads;
const masks = Uint8Array.from({ length: COUNT * size }, () => (random() < 0.05 ? 1 : 0));

const file = { path, bytes: analysable.bytes, externalData: [] };
const configs = [
  { name: "whole decoder", entry: null },
  {
    name: "layer entry, budget 1x decoder",
    entry: new EntryDecoders(ort, file, NODE_SESSION_OPTIONS, dims, 9, analysable.bytes.length),
  },
  {
    name: "layer entry, budget 4x decoder",
    entry: new EntryDecoders(ort, file, NODE_SESSION_OPTIONS, dims, 9, 4 * analysable.bytes.length),
  },
].map((c) => ({ ...c, runner: new AblationRunner(session(c.entry), prefilled, baseline) }));

console.log(`${COUNT} masks, batch ${BATCH}, ${SUFFIX}-token suffix; load average ${load()}`);
const results = new Map<string, Float32Array>();
for (const c of configs) {
  start = performance.now();
  results.set(c.name, await c.runner.run(masks, COUNT, { batchSize: BATCH }));
  const layers = c.entry ? ` entry layers [${c.entry.entryLayers.join(", ")}]` : "";
  console.log(`${c.name}: first run (opens its graphs) ${seconds(start)} s;${layers}`);
}
const reference = results.get("whole decoder")!;
let largest = 0;
for (const v of reference) largest = Math.max(largest, Math.abs(v));
console.log(`largest |logit| ${largest.toFixed(1)}`);
for (const [name, logits] of results) {
  let max = 0;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, Math.abs(logits[i]! - reference[i]!));
  console.log(`${name}: max |logit - whole decoder's| = ${max.toExponential(2)}`);
}
const times = new Map<string, number[]>();
for (let r = 0; r < REPEATS; r++) {
  for (const c of configs) {
    start = performance.now();
    await c.runner.run(masks, COUNT, { batchSize: BATCH });
    const ms = (performance.now() - start) / COUNT;
    times.set(c.name, [...(times.get(c.name) ?? []), ms]);
    console.log(`repeat ${r + 1}, ${c.name}: ${ms.toFixed(0)} ms per mask (load ${load()})`);
  }
}
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const wholeMs = times.get("whole decoder")!;
for (const [name, ms] of times) {
  // Per repeat, against the whole decoder's run just before it (the same load).
  const ratios = ms.map((m, r) => m / wholeMs[r]!);
  console.log(
    `${name}: ${ms.map((m) => m.toFixed(0)).join(", ")} ms per mask; median ${median(ms).toFixed(0)}; ` +
      `vs whole decoder, median ratio ${median(ratios).toFixed(2)}`,
  );
}
console.log(`rss ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB`);
