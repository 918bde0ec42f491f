/**
 * The memory a batched suffix run takes in onnxruntime-web (wasm), against batch-budget.ts's
 * estimate, on a random-weight decoder of SmolVLM-256M's geometry (not committed):
 *
 *     /usr/bin/python3 scripts/fixtures/model-builder/make_gqa_decoder.py --real-scale --out /tmp/h16-big
 *     npx tsx scripts/measurements/measure-batch-memory.ts /tmp/h16-big/gqa-smolvlm-256m.onnx 1100 12 1,4,8,15
 *
 * The decoder's attention is rewritten first (unfuse-attention.ts: onnxruntime's fused
 * GroupQueryAttention refuses a batched suffix over a past). One process, batches in
 * increasing order: the wasm heap only grows, so the resident memory after a run is the
 * peak so far. Prints, per batch, the resident memory (wasm heap + the JavaScript feeds),
 * the estimate (weights + batch x row cost on the wasm side, batch x past cache in
 * JavaScript), the run's time and the batch chooseBatch gives.
 */
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-web";
import {
  chooseBatch,
  formatMb,
  rowCost,
  wasmMemory,
  type BatchGeometry,
} from "../../src/engine/model/batch-budget";
import { decodeModel } from "../../src/engine/model/graph/onnx";
import { unfuseAttention } from "../../src/engine/model/graph/unfuse-attention";

async function main(): Promise<void> {
  const [path, pastText = "1100", suffixText = "12", batchesText = "1,4,8,15"] =
    process.argv.slice(2);
  if (!path)
    throw new Error("usage: measure-batch-memory.ts <decoder.onnx> [past] [suffix] [batches]");
  const past = Number(pastText);
  const suffix = Number(suffixText);
  const batches = batchesText.split(",").map(Number);
  const mb = (n: number) => formatMb(n);
  const rss = () => process.memoryUsage().rss;

  const original = readFileSync(path);
  const rewritten = unfuseAttention(original);
  const { kvHeads, headDim, heads } = rewritten.layers[0]!;
  const layers = rewritten.layers.length;
  const model = decodeModel(rewritten.bytes);
  const dim = (name: string, axis: number) =>
    Number(
      model.graph!.input!.find((i) => i.name === name)?.type?.tensor_type?.shape?.dim?.[axis]
        ?.dim_value ?? 0,
    );
  const hidden = dim("inputs_embeds", 2);
  const logits = model.graph!.output!.find((o) => o.name === "logits")!;
  const vocab = Number(logits.type!.tensor_type!.shape!.dim![2]!.dim_value);
  const inputs = model.graph!.input!.map((i) => i.name!);
  const weights = rewritten.bytes.length;
  const geometry: BatchGeometry = {
    layers,
    kvHeads,
    queryHeads: heads,
    headDim,
    hiddenSize: hidden,
    vocab,
    pastLength: past,
    suffixLength: suffix,
  };
  const row = rowCost(geometry);
  const choice = chooseBatch(geometry, weights, wasmMemory());
  console.log(
    `${layers} layers, ${heads} query / ${kvHeads} key-value heads of ${headDim}, hidden ${hidden}, vocabulary ${vocab}; past ${past}, suffix ${suffix}`,
  );
  console.log(
    `graph ${mb(weights)}; row: cache ${mb(row.cache)}, present ${mb(row.present)}, activations ${mb(row.activations)}; chooseBatch on wasm: ${choice.reason}`,
  );
  // Free what only the rewrite needed before measuring.
  const bytes = rewritten.bytes;
  ort.env.wasm.numThreads = 1;
  const before = rss();
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  const opened = rss();
  console.log(`rss before the session ${mb(before)}; after creating it ${mb(opened)}`);
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const pastRow = Float32Array.from({ length: kvHeads * past * headDim }, () => random() * 0.5);
  for (const batch of batches) {
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor(
        "float32",
        Float32Array.from({ length: batch * suffix * hidden }, random),
        [batch, suffix, hidden],
      ),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(batch * (past + suffix)).fill(1n), [
        batch,
        past + suffix,
      ]),
    };
    if (inputs.includes("position_ids")) {
      const positions = new BigInt64Array(batch * suffix);
      for (let i = 0; i < positions.length; i++) positions[i] = BigInt(past + (i % suffix));
      feeds["position_ids"] = new ort.Tensor("int64", positions, [batch, suffix]);
    }
    for (let l = 0; l < layers; l++)
      for (const kv of ["key", "value"]) {
        const data = new Float32Array(batch * pastRow.length);
        for (let b = 0; b < batch; b++) data.set(pastRow, b * pastRow.length);
        feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor("float32", data, [
          batch,
          kvHeads,
          past,
          headDim,
        ]);
      }
    const started = performance.now();
    try {
      await session.run(feeds, ["logits"]);
      const seconds = (performance.now() - started) / 1000;
      const wasmSide = weights + batch * row.total;
      const jsSide = batch * row.cache;
      console.log(
        `batch ${batch}: ok in ${seconds.toFixed(1)} s; rss ${mb(rss())} (${mb(rss() - before)} over the start); estimate: wasm ${mb(wasmSide)} + feeds ${mb(jsSide)} = ${mb(wasmSide + jsSide)}`,
      );
    } catch (error) {
      console.log(`batch ${batch}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await session.release();
}

await main();
