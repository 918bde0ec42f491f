/**
 * Bring your own VLM in the browser: a third-party export in the
 * transformers.js layout (the tiny fixtures of scripts/fixtures/make-tiny-vlms.py) loaded
 * from a picked folder or from a URL, then asked and attributed. Tests check structure
 * (the model's layers x key/value groups, the capability notes), never answers: the
 * fixtures have random weights.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { chooseImageFile, wasmOnly } from "./app";

const SAMPLE = readFileSync("public/samples/sample-00.png");
const FIXTURES = "e2e/fixtures/models";

// Third-party models run on the app's backend (src/workers/third-party-backend.ts): wasm here;
// WebGPU is checked against wasm in byo-model-webgpu.spec.ts.
test.beforeEach(({ page: _page }, testInfo) => {
  wasmOnly(testInfo.project.name, "third-party models run on wasm: checked once");
});

async function openModelControl(page: Page) {
  await page.goto("/");
  await expect(page.getByRole("status", { name: "Backend" })).toHaveAttribute(
    "data-backend",
    "wasm",
  );
  await page.getByText("Model:", { exact: false }).first().click();
}

const chooseImage = (page: Page) => chooseImageFile(page, SAMPLE);

/** Serves a fixture folder at https://models.test/<name>/ (and counts the requests). */
async function serveFixture(
  context: BrowserContext,
  name: string,
  edit?: (path: string, body: Buffer) => Buffer,
) {
  const requests: string[] = [];
  await context.route("https://models.test/**", async (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^\/+/, "");
    requests.push(path);
    const [folder, ...rest] = path.split("/");
    const file = join(FIXTURES, folder ?? "", ...rest);
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      await route.fulfill({ status: 404, body: "not found" });
      return;
    }
    await route.fulfill({
      status: 200,
      body: edit ? edit(rest.join("/"), body) : body,
      headers: { "access-control-allow-origin": "*" },
    });
  });
  return requests;
}

test("a picked SmolVLM-layout folder loads, answers and attributes over key/value groups", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openModelControl(page);
  await page.getByLabel("Model folder").setInputFiles(join(FIXTURES, "tiny-smolvlm"));
  const capabilities = page.getByRole("region", { name: "Model capabilities" });
  await expect(capabilities).toContainText("Loaded tiny-smolvlm (idefics3");
  await expect(capabilities).toContainText("Heads are key/value groups: 4 query heads share 2");
  await expect(capabilities).toContainText(
    "Available: answer, head ablation, attribution, single-head ranking, attention weights",
  );
  await expect(capabilities).toContainText("attention knockout (token flow");
  await expect(page.getByLabel("Current model")).toHaveText("tiny-smolvlm (idefics3)");

  await chooseImage(page);
  await page.getByText("Advanced settings").click();
  await page.getByRole("spinbutton", { name: "Samples" }).fill("64");
  await expect(page.getByRole("combobox", { name: "Baseline" })).toHaveValue("blank");
  await page.getByRole("button", { name: "Run attribution" }).click();
  await expect(page.getByTestId("held-out-r")).toBeVisible({ timeout: 110_000 });
  const cells = page
    .getByRole("grid", { name: "Attribution by layer and key/value group" })
    .getByRole("gridcell");
  await expect(cells).toHaveCount(3 * 2);
  await expect(cells.first()).toHaveAttribute("aria-label", "Layer 0, group 0");
  const scores = await cells.evaluateAll((nodes) =>
    nodes.map((node) => Number.parseFloat(node.getAttribute("data-score") ?? "")),
  );
  for (const score of scores) expect(Number.isFinite(score)).toBe(true);

  // A cell ablates its key/value group; its attention is drawn on the tiles' mosaic.
  await cells.first().click();
  const detail = page.getByRole("region", { name: "Head detail" });
  await expect(detail).toContainText("goes from");
  await expect(detail).toContainText("Where the final token looks");
  await expect(detail).not.toContainText("expose no attention weights");
});

test("SmolVLM's tiles: token flow and object vs background draw the tiles' mosaic", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openModelControl(page);
  await page.getByLabel("Model folder").setInputFiles(join(FIXTURES, "tiny-smolvlm"));
  await expect(page.getByLabel("Current model")).toHaveText("tiny-smolvlm (idefics3)");
  // The 64 x 64 sample is split into 2 x 2 tiles of 2 x 2 tokens (plus a global view): the
  // display grid is the 4 x 4 mosaic, not the model's 2 x 2 token grid.
  await chooseImage(page);
  const flow = page.getByRole("region", { name: "Token flow" });
  await flow.getByRole("button", { name: "Run token flow" }).click();
  await expect(flow.getByLabel("Token flow summary")).toBeVisible({ timeout: 120_000 });
  await expect(flow.getByRole("grid", { name: "Image patches" }).getByRole("gridcell")).toHaveCount(
    16,
  );
  const mask = page.getByRole("region", { name: "Object vs background" });
  await mask.getByRole("button", { name: "Compare object and background" }).click();
  await expect(mask.getByRole("table", { name: "Object vs background" })).toBeVisible({
    timeout: 120_000,
  });
  const map = mask.getByRole("grid", { name: "Contribution map" }).getByRole("gridcell");
  await expect(map).toHaveCount(16);
  const values = await map.evaluateAll((nodes) =>
    nodes.map((node) => Number(node.getAttribute("data-contribution"))),
  );
  for (const value of values) expect(Number.isFinite(value)).toBe(true);
});

test("a picked Qwen2-VL folder loads (3-D rotary positions), answers and attributes", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openModelControl(page);
  await page.getByLabel("Model folder").setInputFiles(join(FIXTURES, "tiny-qwen2vl"));
  const capabilities = page.getByRole("region", { name: "Model capabilities" });
  await expect(capabilities).toContainText("Loaded tiny-qwen2vl (qwen2_vl");
  await expect(capabilities).toContainText("Heads are key/value groups: 4 query heads share 2");
  await expect(page.getByLabel("Current model")).toHaveText("tiny-qwen2vl (qwen2_vl)");

  await chooseImage(page);
  await expect(page.getByRole("region", { name: "Answer" })).toContainText("Answer:");
  await page.getByText("Advanced settings").click();
  await page.getByRole("spinbutton", { name: "Samples" }).fill("64");
  await page.getByRole("button", { name: "Run attribution" }).click();
  await expect(page.getByTestId("held-out-r")).toBeVisible({ timeout: 110_000 });
  const cells = page
    .getByRole("grid", { name: "Attribution by layer and key/value group" })
    .getByRole("gridcell");
  await expect(cells).toHaveCount(3 * 2);
  const scores = await cells.evaluateAll((nodes) =>
    nodes.map((node) => Number.parseFloat(node.getAttribute("data-score") ?? "")),
  );
  for (const score of scores) expect(Number.isFinite(score)).toBe(true);
  await cells.last().click();
  await expect(page.getByRole("region", { name: "Head detail" })).toContainText("goes from");
});

test("a picked llava-onevision folder (image_newline in the encoder) answers and attributes", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openModelControl(page);
  await page.getByLabel("Model folder").setInputFiles(join(FIXTURES, "tiny-llava-onevision"));
  const capabilities = page.getByRole("region", { name: "Model capabilities" });
  await expect(capabilities).toContainText("Loaded tiny-llava-onevision (llava_onevision");
  await expect(capabilities).toContainText("Heads are key/value groups: 4 query heads share 2");
  await expect(page.getByLabel("Current model")).toHaveText(
    "tiny-llava-onevision (llava_onevision)",
  );

  await chooseImage(page);
  await expect(page.getByRole("region", { name: "Answer" })).toContainText("Answer:");
  await page.getByText("Advanced settings").click();
  await page.getByRole("spinbutton", { name: "Samples" }).fill("64");
  await page.getByRole("button", { name: "Run attribution" }).click();
  await expect(page.getByTestId("held-out-r")).toBeVisible({ timeout: 110_000 });
  const cells = page
    .getByRole("grid", { name: "Attribution by layer and key/value group" })
    .getByRole("gridcell");
  await expect(cells).toHaveCount(3 * 2);
  const scores = await cells.evaluateAll((nodes) =>
    nodes.map((node) => Number.parseFloat(node.getAttribute("data-score") ?? "")),
  );
  for (const score of scores) expect(Number.isFinite(score)).toBe(true);
  await cells.last().click();
  await expect(page.getByRole("region", { name: "Head detail" })).toContainText("goes from");
});

test("a LLaVA-layout export loads from a URL with progress, then from the cache", async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const requests = await serveFixture(context, "tiny-llava");
  await openModelControl(page);
  await page.getByLabel("Model URL").fill("https://models.test/tiny-llava/");
  await page.getByRole("button", { name: "Load" }).click();
  await expect(page.getByRole("region", { name: "Model capabilities" })).toContainText(
    "Loaded tiny-llava (llava",
  );
  // The app runs on wasm here, and so does the third-party model.
  await expect(page.getByTestId("third-party-backend")).toHaveText("wasm");
  expect(requests).toContain("tiny-llava/onnx/decoder_model_merged.onnx");
  await chooseImage(page);

  // A second page of the same origin reads the export from the Cache API.
  const before = requests.length;
  const second = await context.newPage();
  await openModelControl(second);
  await second.getByLabel("Model URL").fill("https://models.test/tiny-llava/");
  await second.getByRole("button", { name: "Load" }).click();
  await expect(second.getByRole("region", { name: "Model capabilities" })).toContainText(
    "Loaded tiny-llava",
  );
  // (Variants the export lacks are asked for again: a 404 is not cached.)
  const served = (path: string) => existsSync(join(FIXTURES, path));
  expect(requests.slice(before).filter((path) => path.endsWith(".onnx") && served(path))).toEqual(
    [],
  );
});

test("the graph variant (dtype) is chosen by keyboard, shown, and a missing one is named", async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  await serveFixture(context, "tiny-llava");
  await openModelControl(page);
  const variant = page.getByRole("combobox", { name: "Graph variant (dtype)" });
  await expect(variant).toHaveValue("auto");
  await variant.focus();
  await variant.selectOption("fp16");
  await page.getByLabel("Model URL").fill("https://models.test/tiny-llava/");
  await page.getByLabel("Model URL").press("Enter");
  await expect(page.getByRole("alert")).toContainText(
    "Could not load tiny-llava: model file onnx/vision_encoder_fp16.onnx is missing",
  );
  await variant.selectOption("fp32");
  await page.getByRole("button", { name: "Load" }).click();
  await expect(page.getByRole("region", { name: "Model capabilities" })).toContainText(
    "Loaded tiny-llava (llava, fp32)",
  );
});

test("an unsupported architecture fails with a message naming it and what is supported", async ({
  page,
  context,
}) => {
  await serveFixture(context, "tiny-llava", (path, body) => {
    if (path === "config.json") {
      const config = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      return Buffer.from(JSON.stringify({ ...config, model_type: "qwen3_vl" }));
    }
    return body;
  });
  await openModelControl(page);
  await page.getByLabel("Model URL").fill("https://models.test/tiny-llava/");
  await page.getByRole("button", { name: "Load" }).click();
  await expect(page.getByRole("alert")).toContainText('unsupported model_type "qwen3_vl"');
  await expect(page.getByRole("alert")).toContainText("llava, idefics3, smolvlm");
});
