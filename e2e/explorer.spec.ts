/**
 * The explorer end to end on the bundled model: image -> answer, attribution filling the
 * heatmap, a head's ablation impact, permalinks (fresh context, tampered, truncated) and
 * history across a reload. The bundled model may be untrained, so the tests check
 * structure and consistency (an answer appears, every cell gets a score, a permalink
 * reproduces the scores exactly), never particular answers.
 */
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { appStart, chooseImageFile, wasmOnly } from "./app";

const SAMPLE = readFileSync("public/samples/sample-00.png");

/**
 * Small settings keep each test fast (the fit still has more masks than the 64 heads on
 * wasm). Chromium's WebGPU here is SwiftShader, a CPU emulation some 40x slower than wasm
 * for this model (about 15 s per batch of 32 masks, and 2 min to prefill the 32 reference
 * images of the mean baseline), so the WebGPU project runs one batch on the blank baseline.
 */
function settingsFor(project: string) {
  return project === "webgpu"
    ? { samples: "32", baseline: "blank" }
    : { samples: "128", baseline: "mean" };
}

const chooseImage = (page: Page) => chooseImageFile(page, SAMPLE);

async function runAttribution(page: Page, project: string) {
  const { samples, baseline } = settingsFor(project);
  await page.getByText("Advanced settings").click();
  await page.getByLabel("Samples", { exact: true }).fill(samples);
  await page.getByLabel("Baseline").selectOption(baseline);
  await page.getByRole("button", { name: "Run attribution" }).click();
  await expect(page.getByTestId("held-out-r")).toBeVisible({ timeout: 110_000 });
}

function grid(page: Page) {
  return page.getByRole("grid", { name: "Attribution by layer and head" });
}

async function scoresOf(page: Page): Promise<string[]> {
  const cells = grid(page).getByRole("gridcell");
  await expect(cells.first()).toBeVisible();
  return cells.evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-score") ?? ""));
}

test("image -> answer -> attribution -> head ablation -> permalink with identical scores", async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(240_000);
  await page.goto(appStart(testInfo.project.name));
  await chooseImage(page);
  const answer = page.getByRole("region", { name: "Answer" });
  await expect(
    answer.getByRole("list", { name: "Top 5 answers" }).getByRole("listitem"),
  ).toHaveCount(5);

  await runAttribution(page, testInfo.project.name);
  const scores = await scoresOf(page);
  expect(scores).toHaveLength(64);
  for (const score of scores) expect(Number.isFinite(Number.parseFloat(score))).toBe(true);

  await grid(page).getByRole("gridcell", { name: "Layer 3, head 5", exact: true }).click();
  const detail = page.getByRole("region", { name: "Head detail" });
  await expect(detail.getByRole("group", { name: "Ablating head 3.5" })).toContainText("goes from");
  await expect(detail.getByRole("img", { name: /Attention of head 3\.5/ })).toBeVisible();

  await page.getByRole("button", { name: "Copy permalink" }).click();
  const link = await page.getByRole("textbox", { name: "Permalink" }).inputValue();
  expect(link).toMatch(/#a=1\.[\w-]+$/);
  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await other.goto(link);
    expect(await scoresOf(other)).toEqual(scores);
    await expect(other.getByRole("region", { name: "Answer" })).toContainText("Answer:");
  } finally {
    await fresh.close();
  }
});

test("bad questions get the engine's clear errors; Cancel stops an attribution", async ({
  page,
}, testInfo) => {
  wasmOnly(testInfo.project.name);
  await page.goto("/");
  await chooseImage(page);
  const question = page.getByRole("textbox", { name: "Question" });
  const ask = page.getByRole("button", { name: "Ask", exact: true });
  const error = page.getByRole("region", { name: "Answer" }).getByRole("alert");
  await question.fill("What is the flibbertigibbet?");
  await ask.click();
  await expect(error).toContainText("unknown words in the question");
  await question.fill("   ");
  await ask.click();
  await expect(error).toContainText("the question is empty");
  await question.fill("word ".repeat(120));
  await ask.click();
  await expect(error).toContainText("the question is too long");

  // A long attribution stops on Cancel, between two batches.
  await page.getByRole("button", { name: /^What is the main object/ }).click();
  await page.getByText("Advanced settings").click();
  await page.getByLabel("Samples", { exact: true }).fill("20000");
  await page.getByRole("button", { name: "Run attribution" }).click();
  await expect(page.getByRole("progressbar", { name: "Attribution progress" })).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByText("Attribution cancelled.")).toBeVisible({ timeout: 15_000 });
});

test("head set, ranking curves, history across a reload, recompute, damaged links, JSON export and import", async ({
  page,
}, testInfo) => {
  wasmOnly(testInfo.project.name);
  await page.goto("/");
  await chooseImage(page);
  await runAttribution(page, testInfo.project.name);
  const scores = await scoresOf(page);

  const detail = page.getByRole("region", { name: "Head detail" });
  for (const name of ["Layer 3, head 5", "Layer 6, head 1"]) {
    await grid(page).getByRole("gridcell", { name, exact: true }).click();
    await detail.getByRole("button", { name: /^Add head/ }).click();
  }
  await detail.getByRole("button", { name: "Ablate the set together" }).click();
  await expect(detail.getByRole("group", { name: "Ablating the set together" })).toContainText(
    "goes from",
  );

  // The rankings' curves (engine evaluate) with the same small settings.
  await page.getByRole("button", { name: "Evaluate rankings" }).click();
  await expect(page.getByRole("img", { name: "faithfulness by number of heads" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Heads needed to reach 80%" })).toContainText(
    "attribution",
  );

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export JSON" }).click();
  const exported = await (await download).path();

  const history = page.getByRole("region", { name: "History" });
  await expect(history.locator(".history-title")).toHaveCount(1);
  await page.getByRole("button", { name: "Copy permalink" }).click();
  const link = await page.getByRole("textbox", { name: "Permalink" }).inputValue();

  await page.goto("/");
  await expect(history.locator(".history-title")).toHaveCount(1);
  await history.getByRole("button", { name: /^Open / }).click();
  expect(await scoresOf(page)).toEqual(scores);
  await page.getByRole("button", { name: "Recompute and compare" }).click();
  await expect(page.getByRole("status", { name: "Comparison" })).toContainText(
    "largest score difference",
  );

  const problem = page.getByRole("alert", { name: "Permalink problem" });
  const at = link.indexOf("#a=1.") + 40;
  const tampered = `${link.slice(0, at)}${link[at] === "A" ? "B" : "A"}${link.slice(at + 1)}`;
  for (const damaged of [tampered, link.slice(0, link.length - 30)]) {
    await page.goto("about:blank");
    await page.goto(damaged);
    await expect(problem).toContainText("This permalink is damaged");
  }

  // The exported file is the CLI's attribution JSON; importing it shows the same scores.
  await page.getByLabel("Import JSON").setInputFiles(exported);
  expect(await scoresOf(page)).toEqual(scores);
});
