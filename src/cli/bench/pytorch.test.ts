/**
 * The PyTorch reference of `npm run bench` takes its weights from the bundle
 * (training/bundle_to_ckpt.py: the int8 ONNX initialisers times their scales). This checks
 * the conversion against the engine: the reference's clean logits for the engine's own
 * prompt and pixels, on two sample images, against onnxruntime's. Needs /usr/bin/python3
 * with torch and onnx (skipped, saying so, where they are missing).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { max } from "d3";
import { describe, expect, it } from "vitest";
import { Headflow, normalisationOf, toPixelValues } from "../../engine";
import { decodeImageBytes, loadBundleNode, nodeImageDecoder } from "../../engine/node";

const PYTHON = "/usr/bin/python3";
const MODEL = "public/models/emoji-vlm";
const IMAGES = ["public/samples/sample-00.png", "public/samples/sample-03.png"];
/**
 * Largest |logit difference| accepted. Both sides compute in float32 from the same
 * float32 weights; only the order of the sums differs (measured: 8.1e-6 on sample-00
 * and 5.0e-6 on sample-03).
 */
const TOLERANCE = 1e-3;

function pythonReady(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import torch, onnx"], { stdio: "ignore", timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!pythonReady())("the PyTorch reference built from the bundle", () => {
  it("computes the bundle's ONNX logits", { timeout: 120_000 }, async () => {
    const bundle = await loadBundleNode(MODEL);
    const headflow = new Headflow(bundle, nodeImageDecoder, "onnxruntime-node (cpu)");
    const prompt = headflow.prompt();
    const norm = normalisationOf(bundle);
    const cases = [];
    const engineLogits: Float32Array[] = [];
    for (const path of IMAGES) {
      const image = await decodeImageBytes(readFileSync(path), path);
      const runner = await headflow.runner(image, prompt, { kind: "blank" });
      engineLogits.push(Float32Array.from(await runner.run(new Uint8Array(runner.maskSize), 1)));
      cases.push({ input_ids: prompt.ids, pixel_values: Array.from(toPixelValues(image, norm)) });
    }
    const folder = mkdtempSync(join(tmpdir(), "headflow-reference-logits-"));
    try {
      writeFileSync(join(folder, "job.json"), JSON.stringify({ model_dir: resolve(MODEL), cases }));
      execFileSync(PYTHON, [
        "training/reference_logits.py",
        "--job",
        join(folder, "job.json"),
        "--out",
        join(folder, "out.json"),
      ]);
      const { logits } = JSON.parse(readFileSync(join(folder, "out.json"), "utf8")) as {
        logits: number[][];
      };
      expect(logits).toHaveLength(IMAGES.length);
      logits.forEach((reference, c) => {
        const engine = engineLogits[c]!;
        expect(reference).toHaveLength(engine.length);
        const largest = max(reference, (value, i) => Math.abs(value - engine[i]!))!;
        expect(largest).toBeLessThanOrEqual(TOLERANCE);
        // Not a vacuous match: the two images' logits differ by far more than that.
        if (c > 0) {
          const between = max(reference, (v, i) => Math.abs(v - logits[0]![i]!))!;
          expect(between).toBeGreaterThan(100 * TOLERANCE);
        }
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
