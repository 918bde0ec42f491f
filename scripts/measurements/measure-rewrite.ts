/**
 * Time and memory of the attention rewrite on a large decoder (not committed):
 *
 *     /usr/bin/python3 scripts/fixtures/model-builder/make_gqa_decoder.py --real-scale --out /tmp/h16-big
 *     /usr/bin/time -v npx tsx scripts/measurements/measure-rewrite.ts /tmp/h16-big/gqa-smolvlm-256m.onnx
 *
 * Prints the file size, the wall time and the resident memory after each step
 * (decode, rewrite + encode), and, with --check, runs the fused and the rewritten graph
 * at batch 1 on the same random input and prints the largest logit difference.
 */
import { readFileSync } from "node:fs";
import { ort } from "../../src/engine/node";
import { decodeModel } from "../../src/engine/model/graph/onnx";
import { unfuseAttention } from "../../src/engine/model/graph/unfuse-attention";

const [path, flag] = process.argv.slice(2);
if (!path) throw new Error("usage: measure-rewrite.ts <decoder.onnx> [--check]");
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const rss = () => mib(process.memoryUsage().rss);
const timed = <T>(label: string, run: () => T): T => {
  const start = performance.now();
  const out = run();
  console.log(`${label}: ${((performance.now() - start) / 1000).toFixed(2)} s, rss ${rss()}`);
  return out;
};

// A Buffer is a Uint8Array: no copy of the file.
const bytes: Uint8Array = timed("read", () => readFileSync(path));
console.log(`file ${mib(bytes.length)}`);
timed("protobufjs decode", () => decodeModel(bytes));
// The floor for writing any new model: one copy of the file into fresh memory.
timed("one copy of the file (Uint8Array.set)", () => new Uint8Array(bytes.length).set(bytes));
const result = timed("protobufjs decode + rewrite + encode", () => unfuseAttention(bytes));
console.log(`rewritten ${mib(result.bytes.length)}, ${result.layers.length} layers`);

if (flag === "--check") {
  const layers = result.layers.length;
  const { kvHeads, headDim } = result.layers[0]!;
  const model = decodeModel(bytes);
  const hidden = Number(
    model.graph!.input!.find((i) => i.name === "inputs_embeds")!.type!.tensor_type!.shape!.dim![2]!
      .dim_value,
  );
  const [past, length] = [20, 5];
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
    inputs_embeds: new ort.Tensor(
      "float32",
      Float32Array.from({ length: length * hidden }, random),
      [1, length, hidden],
    ),
    attention_mask: new ort.Tensor("int64", new BigInt64Array(past + length).fill(1n), [
      1,
      past + length,
    ]),
  };
  for (let l = 0; l < layers; l++)
    for (const kv of ["key", "value"])
      feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor(
        "float32",
        Float32Array.from({ length: kvHeads * past * headDim }, random),
        [1, kvHeads, past, headDim],
      );
  const logits = async (graph: Uint8Array) =>
    (await (await ort.InferenceSession.create(graph)).run(feeds, ["logits"]))["logits"]!
      .data as Float32Array;
  const [a, b] = [await logits(bytes), await logits(result.bytes)];
  let [max, largest] = [0, 0];
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs(a[i]! - b[i]!));
    largest = Math.max(largest, Math.abs(a[i]!));
  }
  console.log(
    `batch 1, past ${past}, ${length} tokens: max |fused - rewritten| logits ${max.toExponential(2)} (largest |logit| ${largest.toFixed(1)})`,
  );
}
