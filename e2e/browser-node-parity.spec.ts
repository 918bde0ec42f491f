/**
 * The browser's attribution is the Node CLI's: the same image, question and settings give
 * the same head scores and held-out r in the explorer (onnxruntime-web on wasm, masks run
 * by the inference worker and its decode peer, whose half of each batch travels in shared
 * memory) as from `headflow attribute` (onnxruntime-node). The two runtimes' kernels sum in
 * different orders, so the scores agree to rounding, not bit for bit.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { chooseImageFile, wasmOnly } from "./app";
import { maxOf } from "../src/engine";

const IMAGE = "public/samples/sample-04.png";
const SAMPLES = "300";
const SEED = "11";

let folder = "";
let cli: { scores: number[][]; fit: { heldOutR: number } } | null = null;

test.beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "headflow-parity-"));
  const out = join(folder, "attribution.json");
  execFileSync(
    process.execPath,
    [
      "bin/headflow.mjs",
      "attribute",
      "--image",
      IMAGE,
      "--samples",
      SAMPLES,
      "--seed",
      SEED,
      "--out",
      out,
    ],
    { stdio: ["ignore", "ignore", "inherit"], timeout: 100_000 },
  );
  cli = JSON.parse(await readFile(out, "utf8")) as typeof cli;
});

test.afterAll(async () => {
  if (folder !== "") await rm(folder, { recursive: true, force: true });
});

test("an attribution in the browser gives the Node CLI's head scores", async ({
  page,
}, testInfo) => {
  wasmOnly(testInfo.project.name, "the CLI runs on the CPU; compared once, on wasm");
  test.setTimeout(180_000);
  await page.goto("/");
  await chooseImageFile(page, readFileSync(IMAGE), "sample-04.png");
  await page.getByText("Advanced settings").click();
  await page.getByLabel("Samples", { exact: true }).fill(SAMPLES);
  await page.getByLabel("Seed", { exact: true }).fill(SEED);
  await page.getByRole("button", { name: "Run attribution" }).click();
  await expect(page.getByTestId("held-out-r")).toBeVisible({ timeout: 120_000 });

  const shown = await page
    .getByRole("grid", { name: "Attribution by layer and head" })
    .getByRole("gridcell")
    .evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute("data-score"))));
  const expected = cli!.scores.flat();
  expect(shown).toHaveLength(expected.length);
  const largest = maxOf(expected.map(Math.abs));
  const worst = maxOf(shown.map((score, i) => Math.abs(score - expected[i]!)));
  expect(worst).toBeLessThan(1e-4 * largest);
  const heldOutR = Number(await page.getByTestId("held-out-r").textContent());
  expect(Math.abs(heldOutR - cli!.fit.heldOutR)).toBeLessThanOrEqual(5e-5 + 1e-6);
});
