/**
 * How onnxruntime-web (wasm) fails when a run needs more than its 4 GiB heap, and whether
 * the session runs again at a smaller size: the evidence behind batch-halving.ts's
 * patterns and its retry. Not a test (it fills about 4 GB of memory for a minute or two):
 *
 *     npx tsx scripts/measurements/wasm-oom-repro.ts [no-arena]
 *
 * The graph: y = Concat(ConstantOfShape(n), ConstantOfShape(n)), float32, so a run holds
 * 3 x 4n bytes (printed in GiB). Each run prints the error, whether isOutOfMemory recognises it, and the
 * runs at halved sizes after it.
 */
import * as ort from "onnxruntime-web";
import { encodeModel, type ModelProto } from "../../src/engine/model/graph/onnx";
import { isOutOfMemory } from "../../src/engine/attribution/batch-halving";

const FLOAT = 1;
const INT64 = 7;
const model: ModelProto = {
  ir_version: 8,
  opset_import: [{ domain: "", version: 17 }],
  graph: {
    name: "oom",
    node: [
      { op_type: "ConstantOfShape", input: ["shape"], output: ["a"], name: "a" },
      { op_type: "ConstantOfShape", input: ["shape"], output: ["b"], name: "b" },
      {
        op_type: "Concat",
        input: ["a", "b"],
        output: ["y"],
        name: "y",
        attribute: [{ name: "axis", type: 2, i: 0 }],
      },
    ],
    input: [
      {
        name: "shape",
        type: { tensor_type: { elem_type: INT64, shape: { dim: [{ dim_value: 1 }] } } },
      },
    ],
    output: [
      {
        name: "y",
        type: { tensor_type: { elem_type: FLOAT, shape: { dim: [{ dim_param: "n" }] } } },
      },
    ],
  },
};

async function main(): Promise<void> {
  ort.env.wasm.numThreads = 1;
  const arena = process.argv[2] !== "no-arena";
  const session = await ort.InferenceSession.create(encodeModel(model), {
    executionProviders: ["wasm"],
    enableCpuMemArena: arena,
  });
  console.log(`onnxruntime-web ${ort.env.versions.web}, wasm, cpu arena ${arena}`);
  const run = async (n: number) => {
    const started = performance.now();
    const shape = new ort.Tensor("int64", BigInt64Array.from([BigInt(n)]), [1]);
    try {
      await session.run({ shape });
      console.log(
        `n=${n} (${(12 * n) / 2 ** 30} GiB): ok in ${(performance.now() - started).toFixed(0)} ms`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.log(`n=${n} (${(12 * n) / 2 ** 30} GiB): ${message.trim()}`);
      console.log(`  isOutOfMemory: ${isOutOfMemory(error)}`);
    }
  };
  await run(1000);
  await run(2 ** 29); // a 4 GiB output: its byte size overflows wasm32's size_t
  await run(3 * 2 ** 27); // 1.5 + 1.5 + 3 GiB: the heap cannot grow that far
  for (let n = 2 ** 27; n >= 2 ** 20; n /= 4) await run(n);
  await session.release();
}

await main();
