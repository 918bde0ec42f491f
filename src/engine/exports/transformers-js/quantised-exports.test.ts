/**
 * Whole third-party exports in every quantised dtype transformers.js publishes (q8 =
 * `_quantized`, int8, uint8, q4, bnb4, q4f16; and fp16), quantised from tiny-llava and tiny-smolvlm
 * by scripts/fixtures/model-builder/make_quantised_exports.py (vision encoder, embedding
 * and decoder, in the file names and op forms of transformers.js's quantize.py). The files
 * are 2.8 MB together, so they are generated here (python3 with onnx and numpy, under a
 * second) into .cache/quantised-exports/<hash of the script and fixtures>/, not committed.
 *
 * For each: the loader opens the named dtype's files, the model answers, and the engine's
 * batched head ablation equals the quantised decoder as exported, run by onnxruntime-node
 * one mask at a time at batch 1 over a past cache built here (the ablated key/value
 * groups' image rows copied from the baseline's: the engine's definition of a head
 * ablation, src/engine/ablation/runner.ts); then a short attribution. One variant also
 * runs on onnxruntime-web's wasm backend.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { describe, expect, it } from "vitest";
import { folderReader, NODE_SESSION_OPTIONS, nodeImageDecoder } from "../../node";
import { AnswerResultSchema, AttributionResultSchema } from "../../results/attribution-results";
import { FlowResultSchema } from "../../results/analysis-results";
import { ask } from "../../analyses/ask";
import { flow } from "../../analyses/flow/flow-image";
import { attribute } from "../../analyses/attribute";
import type { Prefilled } from "../../model/prefill";
import { decodeModel } from "../../model/graph/onnx";
import { maxOf } from "../../math/extent";
import { loadThirdParty, type ThirdPartyLoadOptions } from "./load";
import { parityOf, testImage, type Parity } from "./fixture-inputs";
import { maxAbsDiff } from "./max-abs-diff";
import { parityAblation } from "./parity-ablation";
import { openFixture } from "./open-fixture";
import { float16ToFloat32, float32ToFloat16 } from "./float16";

const SCRIPT = "scripts/fixtures/model-builder/make_quantised_exports.py";
const MODELS = ["tiny-llava", "tiny-smolvlm"] as const;
const CACHE = ".cache/quantised-exports";

/** What the cached files are generated from: a change to any of these regenerates them. */
function sources(): string[] {
  const files = [
    SCRIPT,
    "scripts/fixtures/model-builder/make_quantised_decoders.py",
    "scripts/fixtures/model-builder/make_gqa_decoder.py",
    "scripts/fixtures/model-builder/make_mha_decoder.py",
    "scripts/fixtures/make-dtype-fixtures.py",
  ];
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : [path];
      });
  return [...files, ...MODELS.flatMap((model) => walk(`e2e/fixtures/models/${model}`))];
}

/** The folder of generated exports, or why there is none (no python3 with onnx). */
function generatedExports(): { root: string } | { missing: string } {
  const hash = createHash("sha256");
  for (const path of sources()) hash.update(path).update(readFileSync(path));
  const root = `${CACHE}/${hash.digest("hex").slice(0, 16)}`;
  if (existsSync(`${root}/complete`)) return { root };
  // The package scripts' interpreter (Debian's, with python3-onnx) first, then PATH's.
  const failures: string[] = [];
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      execFileSync(python, [SCRIPT, "--out", root], { stdio: "pipe" });
      writeFileSync(`${root}/complete`, "");
      // Earlier generations (other hashes) are stale: 2.8 MB each.
      for (const name of readdirSync(CACHE))
        if (`${CACHE}/${name}` !== root) rmSync(`${CACHE}/${name}`, { recursive: true });
      return { root };
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
      failures.push(`${python}: ${stderr.trim().split("\n").pop()}`);
    }
  }
  return {
    missing: `${SCRIPT} did not run (python3 with onnx and numpy is needed: apt-get install -y python3-onnx): ${failures.join("; ")}`,
  };
}

const generated = generatedExports();
if ("missing" in generated) console.warn(`quantised-exports.test.ts skipped: ${generated.missing}`);
const ROOT = "root" in generated ? generated.root : "";

// CI installs python3-onnx (.ci/run): there a missing generator fails instead of skipping.
const inCI = process.env.CI === "true" || process.env.CI === "1";
describe.runIf(inCI)("quantised export generator in CI", () => {
  it("ran", () => {
    expect("missing" in generated ? generated.missing : null).toBeNull();
  });
});

interface Case {
  dtype: string;
  suffix: string;
  /** The decoder's quantised op, once per weight (28 MatMuls: 3 x 7 projections + LM head = 22 weights). */
  op: string;
  /** The graphs take and give float16 (the cache too): exact to a float16 step. */
  float16: boolean;
}
const CASES: Case[] = [
  { dtype: "q8", suffix: "quantized", op: "MatMulInteger", float16: false },
  { dtype: "int8", suffix: "int8", op: "MatMulInteger", float16: false },
  { dtype: "uint8", suffix: "uint8", op: "MatMulInteger", float16: false },
  { dtype: "q4", suffix: "q4", op: "MatMulNBits", float16: false },
  { dtype: "bnb4", suffix: "bnb4", op: "MatMulBnb4", float16: false },
  { dtype: "q4f16", suffix: "q4f16", op: "MatMulNBits", float16: true },
  // Not quantised: float16 inputs, outputs and cache around the float32 graph.
  { dtype: "fp16", suffix: "fp16", op: "MatMul", float16: true },
];

/** The largest difference in float16 steps (the step of the expected value's binade). */
function float16Steps(got: ArrayLike<number>, expected: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < got.length; i++) {
    const e = expected[i]!;
    const step = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(e), 2 ** -14))) - 10);
    max = Math.max(max, Math.abs(got[i]! - e) / step);
  }
  return max;
}

const load = (model: string, dtype: string, options: Partial<ThirdPartyLoadOptions> = {}) =>
  openFixture(folderReader(`${ROOT}/${model}`), {
    id: model,
    runtime: "onnxruntime-node (cpu)",
    dtype,
    ...options,
  });

type Loaded = Awaited<ReturnType<typeof load>>;

/** The engine's path: clean and baseline prefills, then the masks in batches of 3. */
async function engineAblation(model: Loaded, parity: Parity) {
  const { session } = model.thirdParty;
  const { clean, base, runner } = await parityAblation(model.thirdParty, parity);
  const masks = [new Array<number>(runner.maskSize).fill(0), ...parity.masks];
  const logits = await runner.run(Uint8Array.from(masks.flat()), masks.length, { batchSize: 3 });
  const vocab = session.dims.vocabSize;
  const rows = masks.map((_, i) => logits.slice(i * vocab, (i + 1) * vocab));
  return { clean, base, masks, rows };
}

/**
 * The independent reference: the quantised decoder file as exported (no rewrite), run by
 * onnxruntime-node at batch 1. It prefills the engine's merged prompt embeddings (clean
 * and baseline) itself; for each mask the clean cache gets the masked groups' image rows
 * from the baseline's, and the text after the image runs over it.
 */
async function referenceAblation(
  decoderPath: string,
  clean: Prefilled,
  base: Prefilled,
  masks: readonly (readonly number[])[],
  float16: boolean,
  runtime: "node" | "wasm" = "node",
): Promise<Float32Array[]> {
  const bytes = new Uint8Array(readFileSync(decoderPath));
  const decoder =
    runtime === "node"
      ? await ort.InferenceSession.create(bytes, NODE_SESSION_OPTIONS)
      : ((await ortWeb.InferenceSession.create(bytes, {
          executionProviders: ["wasm"],
        })) as unknown as ort.InferenceSession);
  const { heads, headDim } = clean.cache;
  const layers = clean.cache.keys.length;
  const hidden = clean.suffixEmbeds.length / clean.suffixLength;
  const floats = (values: Float32Array, dims: number[]) =>
    float16
      ? new ort.Tensor("float16", float32ToFloat16(values), dims)
      : new ort.Tensor("float32", values, dims);
  const widen = (tensor: ort.Tensor) =>
    float16
      ? float16ToFloat32(tensor.data as Uint16Array)
      : Float32Array.from(tensor.data as Float32Array);
  const run = async (embeds: Float32Array, start: number, past: Float32Array[][] | null) => {
    const length = embeds.length / hidden;
    const total = start + length;
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: floats(embeds, [1, length, hidden]),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new ort.Tensor(
        "int64",
        BigInt64Array.from({ length }, (_, i) => BigInt(start + i)),
        [1, length],
      ),
    };
    for (let l = 0; l < layers; l++)
      ["key", "value"].forEach((part, p) => {
        feeds[`past_key_values.${l}.${part}`] = floats(past?.[p]![l] ?? new Float32Array(0), [
          1,
          heads,
          start,
          headDim,
        ]);
      });
    const out = await decoder.run(feeds);
    const present = [0, 1].map((p) =>
      Array.from({ length: layers }, (_, l) =>
        widen(out[`present.${l}.${p === 0 ? "key" : "value"}`]!),
      ),
    );
    const logits = widen(out["logits"]!);
    const vocab = logits.length / length;
    return { present, last: logits.slice((length - 1) * vocab) };
  };
  const { imageStart, imageEnd } = clean.prompt;
  const cleanPast = (await run(clean.blockEmbeds!, 0, null)).present;
  const basePast = (await run(base.blockEmbeds!, 0, null)).present;
  const rows: Float32Array[] = [];
  for (const mask of masks) {
    const past = cleanPast.map((parts, p) =>
      parts.map((layer, l) => {
        const out = layer.slice();
        for (let h = 0; h < heads; h++) {
          if (mask[l * heads + h] !== 1) continue;
          for (let t = imageStart; t < imageEnd; t++) {
            const at = (h * imageEnd + t) * headDim;
            out.set(basePast[p]![l]!.subarray(at, at + headDim), at);
          }
        }
        return out;
      }),
    );
    rows.push((await run(clean.suffixEmbeds, imageEnd, past)).last);
  }
  await decoder.release();
  return rows;
}

describe.skipIf(!ROOT).each(MODELS)("%s quantised as transformers.js publishes it", (name) => {
  const parity = parityOf(name);

  describe.each(CASES)("dtype $dtype", ({ dtype, suffix, op, float16 }) => {
    const decoderFile = `onnx/decoder_model_merged_${suffix}.onnx`;

    it(`opens the ${dtype} files, is quantised, and answers`, async () => {
      const model = await load(name, dtype);
      const { manifest } = model.thirdParty;
      expect(manifest.dtype).toBe(dtype);
      expect(manifest.graphs).toEqual({
        vision: `onnx/vision_encoder_${suffix}.onnx`,
        embed: `onnx/embed_tokens_${suffix}.onnx`,
        decoder: decoderFile,
      });
      expect(manifest.dtypeNotes).toEqual([]);
      const graph = decodeModel(
        new Uint8Array(readFileSync(`${ROOT}/${name}/${decoderFile}`)),
      ).graph!;
      // 22 weight MatMuls quantised; attention's 6 MatMuls stay (fp16: all 28 are MatMul).
      const matmuls = op === "MatMul" ? 28 : 22;
      expect((graph.node ?? []).filter((n) => n.op_type === op)).toHaveLength(matmuls);
      if (op !== "MatMul")
        expect((graph.node ?? []).filter((n) => n.op_type === "MatMul")).toHaveLength(6);
      const answer = await ask(model, testImage(parity.image.width, parity.image.height), {
        top: 3,
      });
      expect(AnswerResultSchema.parse(answer).top).toHaveLength(3);
      expect(model.modelRef().name).toContain(dtype);
      await model.thirdParty.session.release();
    });

    it.each([
      { entry: false, how: "the whole decoder" },
      { entry: true, how: "layer entry, as the CLI runs it" },
    ])(
      "batched head ablation ($how) equals the exported decoder run per mask at batch 1",
      async ({ entry }) => {
        const model = await load(name, dtype, { layerEntry: entry });
        const { clean, base, masks, rows } = await engineAblation(model, parity);
        // Layer entry really ran: masks first ablating a later layer entered there.
        const { session } = model.thirdParty;
        if (entry) expect(session.layerEntryRefusal).toBeNull();
        expect(session.entryLayers.length > 0).toBe(entry);
        const expected = await referenceAblation(
          `${ROOT}/${name}/${decoderFile}`,
          clean,
          base,
          masks,
          float16,
        );
        const errors = rows.map((row, i) =>
          float16 ? float16Steps(row, expected[i]!) : maxAbsDiff(row, expected[i]!),
        );
        console.log(
          `${name} ${dtype}${entry ? " (layer entry)" : ""}: engine vs exported graph per mask`,
          errors,
        );
        if (float16) expect(maxOf(errors)).toBeLessThanOrEqual(1);
        else expect(maxOf(errors)).toBeLessThanOrEqual(1e-5);
        // Not vacuous: every mask moves the reference's logits.
        for (const row of expected.slice(1))
          expect(maxAbsDiff(row, expected[0]!)).toBeGreaterThan(1e-2);
        // Really quantised (or rounded to float16): the clean logits are not the float32 model's.
        expect(maxAbsDiff(expected[0]!, parity.cleanLogits)).toBeGreaterThan(1e-3);
        await model.thirdParty.session.release();
      },
    );

    it("runs token flow through the attention interface it gets at load", async () => {
      const model = await load(name, dtype);
      expect(model.thirdParty.manifest.capabilities).toMatchObject({
        attentionWeights: true,
        knockout: true,
      });
      const image = testImage(parity.image.width, parity.image.height);
      const result = FlowResultSchema.parse(await flow(model, image, { batchSize: 4 }));
      expect(JSON.stringify(result)).not.toMatch(/NaN|null/);
      await model.thirdParty.session.release();
    });

    it("attributes (48 masks, blank baseline)", async () => {
      const model = await load(name, dtype);
      const result = await attribute(model, testImage(parity.image.width, parity.image.height), {
        baseline: { kind: "blank" },
        settings: { samples: 48, alpha: 0.2, batchSize: 16 },
      });
      AttributionResultSchema.parse(result);
      expect(result.scores.flat().every(Number.isFinite)).toBe(true);
      await model.thirdParty.session.release();
    });
  });
});

describe.skipIf(!ROOT)("quantised exports on onnxruntime-web's wasm backend (run in Node)", () => {
  it.each(CASES.filter((c) => ["q8", "bnb4", "q4f16"].includes(c.dtype)))(
    "tiny-llava $dtype: batched head ablation equals the exported graph run per mask at batch 1 on wasm",
    async ({ dtype, suffix, float16 }) => {
      ortWeb.env.wasm.numThreads = 1;
      const parity = parityOf("tiny-llava");
      const model = await loadThirdParty(
        folderReader(`${ROOT}/tiny-llava`),
        ortWeb as unknown as typeof ort,
        nodeImageDecoder,
        { id: "tiny-llava", runtime: "onnxruntime-web (wasm)", dtype, backend: "wasm" },
      );
      const decoderFile = `onnx/decoder_model_merged_${suffix}.onnx`;
      expect(model.thirdParty.manifest.graphs.decoder).toBe(decoderFile);
      const { clean, base, masks, rows } = await engineAblation(model, parity);
      const path = `${ROOT}/tiny-llava/${decoderFile}`;
      const compare = (expected: Float32Array[]) =>
        rows.map((row, i) =>
          float16 ? float16Steps(row, expected[i]!) : maxAbsDiff(row, expected[i]!),
        );
      const onWasm = compare(await referenceAblation(path, clean, base, masks, float16, "wasm"));
      const node = await referenceAblation(path, clean, base, masks, float16, "node");
      // The two runtimes' kernels round differently (measured, logits up to 4.7: q8 9.5e-7,
      // bnb4 2.3e-5, q4f16 0.0039, one float16 step there): each is exact against itself.
      const onNode = rows.map((row, i) => maxAbsDiff(row, node[i]!));
      console.log(`tiny-llava ${dtype} on wasm: engine vs the exported graph per mask`, {
        onWasm,
        onNodeAbsolute: onNode,
        largestLogit: maxOf(Array.from(node[0]!, Math.abs)),
      });
      expect(maxOf(onWasm)).toBeLessThanOrEqual(float16 ? 1 : 1e-5);
      if (dtype === "q8") expect(maxOf(onNode)).toBeLessThanOrEqual(1e-5);
      await model.thirdParty.session.release();
    },
  );
});
