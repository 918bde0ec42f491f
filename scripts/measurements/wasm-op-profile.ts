/**
 * Where one batch of mask runs spends its time on onnxruntime-web's wasm kernels, against
 * onnxruntime-node's native ones, on the bundled decoder entered at layer 0 (the graph the
 * browser runs for a mask that ablates a layer-0 head: final-position logits only):
 *
 *     npx tsx scripts/measurements/wasm-op-profile.ts [--batch 32] [--suffix 12] [--past 66] [--runs 20]
 *
 * onnxruntime-web runs in Node here (its wasm build, one thread, as each browser worker
 * does), so the kernels are the browser's without the page, the workers or the copies
 * between them. Prints ms per run for native 1 and 2 threads and wasm 1 thread, and wasm's
 * time per operator type from onnxruntime's own profiler (runs after the first three).
 * Inputs are fixed pseudo-random values; only shapes matter for time.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as ortWeb from "onnxruntime-web";
import * as ortNode from "onnxruntime-node";
import { DEFAULT_MODEL } from "../../src/cli/context";
import { entryGraph, parseGraph } from "../../src/engine/model/layer-entry";

const { values } = parseArgs({
  options: {
    batch: { type: "string", default: "32" },
    suffix: { type: "string", default: "12" },
    past: { type: "string", default: "66" },
    runs: { type: "string", default: "20" },
    child: { type: "boolean", default: false },
  },
});
const [batch, suffix, past, runs] = [values.batch, values.suffix, values.past, values.runs].map(
  Number,
) as [number, number, number, number];

const config = JSON.parse(readFileSync(join(DEFAULT_MODEL, "config.json"), "utf8")) as {
  text_config: {
    num_hidden_layers: number;
    num_key_value_heads: number;
    hidden_size: number;
    head_dim: number;
  };
};
const {
  num_hidden_layers: layers,
  num_key_value_heads: kvHeads,
  hidden_size: hidden,
  head_dim: headDim,
} = config.text_config;
const decoder = readFileSync(join(DEFAULT_MODEL, "onnx", "decoder_model_merged.onnx"));
const parts = parseGraph(decoder);
const graph = parts && entryGraph(parts, 0);
if (!graph) throw new Error("the bundled decoder gives no layer-entry graph");

type Ort = typeof ortNode | typeof ortWeb;
function feeds(ort: Ort) {
  const floats = (n: number) =>
    Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5);
  const positions = new BigInt64Array(batch * suffix).map((_, i) => BigInt(past + (i % suffix)));
  const out: Record<string, InstanceType<Ort["Tensor"]>> = {
    inputs_embeds: new ort.Tensor("float32", floats(batch * suffix * hidden), [
      batch,
      suffix,
      hidden,
    ]),
    attention_mask: new ort.Tensor("int64", new BigInt64Array(batch * (past + suffix)).fill(1n), [
      batch,
      past + suffix,
    ]),
    position_ids: new ort.Tensor("int64", positions, [batch, suffix]),
  };
  for (let l = 0; l < layers; l++) {
    for (const kv of ["key", "value"]) {
      out[`past_key_values.${l}.${kv}`] = new ort.Tensor(
        "float32",
        floats(batch * kvHeads * past * headDim),
        [batch, kvHeads, past, headDim],
      );
    }
  }
  return out;
}

async function time(ort: Ort, options: Record<string, unknown>) {
  const session = await ort.InferenceSession.create(graph!, options);
  const all = feeds(ort);
  const input = Object.fromEntries(session.inputNames.map((n) => [n, all[n]!]));
  const run = () => session.run(input as never, ["logits"]);
  for (let i = 0; i < 3; i++) await run();
  const start = performance.now();
  for (let i = 0; i < runs; i++) await run();
  const ms = (performance.now() - start) / runs;
  return { session, ms };
}

interface ProfileEvent {
  cat?: string;
  name?: string;
  dur?: number;
  ts?: number;
  args?: { op_name?: string };
}

// onnxruntime-web's wasm profiler writes its JSON straight to file descriptor 1, past
// console and process.stdout: a child process profiles, and its output is parsed here.
if (values.child) {
  ortWeb.env.wasm.numThreads = 1;
  const { session, ms } = await time(ortWeb, {
    executionProviders: ["wasm"],
    enableProfiling: true,
  });
  process.stdout.write(`wasm-ms ${ms}\n`);
  session.endProfiling();
  // Let the profile reach the pipe before the process ends.
  await new Promise((resolve) => setTimeout(resolve, 500));
} else {
  await report();
}

function wasmProfile() {
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    ...process.argv.slice(2),
    "--child",
  ];
  const child = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 30 });
  if (child.status !== 0) throw new Error(`wasm profile failed: ${child.stderr}`);
  const ms = Number(/wasm-ms (\S+)/.exec(child.stdout)?.[1]);
  return { ms, text: child.stdout };
}

async function report() {
  const native1 = (await time(ortNode, { intraOpNumThreads: 1 })).ms;
  const native2 = (await time(ortNode, { intraOpNumThreads: 2 })).ms;
  const wasm = wasmProfile();
  const json = wasm.text.slice(wasm.text.indexOf("["), wasm.text.lastIndexOf("]") + 1);
  const events = (json ? JSON.parse(json) : []) as ProfileEvent[];
  const runStarts = events
    .filter((e) => e.name === "model_run")
    .map((e) => e.ts ?? 0)
    .sort((a, b) => a - b);
  const from = runStarts[3] ?? 0;
  const counted = Math.max(1, runStarts.length - 3);
  const byOp = new Map<string, number>();
  for (const e of events) {
    if (e.cat !== "Node" || (e.ts ?? 0) < from) continue;
    const op = e.args?.op_name ?? "?";
    byOp.set(op, (byOp.get(op) ?? 0) + (e.dur ?? 0));
  }
  const kernelMs = [...byOp.values()].reduce((a, b) => a + b, 0) / counted / 1000;
  const ops = [...byOp.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([op, us]) => ({
      op,
      msPerRun: +(us / counted / 1000).toFixed(2),
      share: +(us / counted / 1000 / kernelMs || 0).toFixed(3),
    }));
  process.stdout.write(
    JSON.stringify(
      {
        load: loadavg()[0],
        shape: { batch, suffix, past, layers },
        msPerRun: {
          native1Thread: +native1.toFixed(1),
          native2Threads: +native2.toFixed(1),
          wasm1Thread: +wasm.ms.toFixed(1),
        },
        wasmProfiledKernelMsPerRun: +kernelMs.toFixed(1),
        wasmByOp: ops,
      },
      null,
      1,
    ) + "\n",
  );
}
