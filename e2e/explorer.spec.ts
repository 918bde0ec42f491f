/**
 * The explorer end to end on the bundled model: image -> answer, attribution filling the
 * heatmap, a head's ablation impact, permalinks (fresh context, tampered, truncated) and
 * history across a reload. The bundled model may be untrained, so the tests check
 * structure and consistency (an answer appears, every cell gets a score, a permalink
 * reproduces the scores exactly), never particular answers.
 */
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";

const SAMPLE = readFileSync("public/samples/sample-00.png");
/** Small, so each test stays fast; the fit still has more masks than the 64 heads. */
const SAMPLES = "128";

async function chooseImage(page: Page) {
  await page
    .getByLabel("Image", { exact: true })
    .setInputFiles({ name: "sample-00.png", mimeType: "image/png", buffer: SAMPLE });
  await expect(page.getByRole("region", { name: "Answer" })).toContainText("Answer:");
}

async function runAttribution(page: Page) {
  await page.getByText("Advanced settings").click();
  await page.getByLabel("Samples").fill(SAMPLES);
  await page.getByRole("button", { name: "Run attribution" }).click();
  await expect(page.getByTestId("held-out-r")).toBeVisible();
}

function grid(page: Page) {
  return page.getByRole("grid", { name: "Attribution by layer and head" });
}

async function scoresOf(page: Page): Promise<string[]> {
  const cells = grid(page).getByRole("gridcell");
  await expect(cells.first()).toBeVisible();
  return cells.evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-score") ?? ""));
}

test("an image gets an answer with its top-5 probabilities", async ({ page }) => {
  await page.goto("/");
  await chooseImage(page);
  const answer = page.getByRole("region", { name: "Answer" });
  await expect(
    answer.getByRole("list", { name: "Top 5 answers" }).getByRole("listitem"),
  ).toHaveCount(5);
});

test("a bad question gets the engine's clear error", async ({ page }) => {
  await page.goto("/");
  await chooseImage(page);
  const question = page.getByRole("textbox", { name: "Question" });
  await question.fill("What is the flibbertigibbet?");
  await page.getByRole("button", { name: "Ask" }).click();
  await expect(page.getByRole("region", { name: "Answer" }).getByRole("alert")).toContainText(
    "unknown words in the question",
  );
  await question.fill("   ");
  await page.getByRole("button", { name: "Ask" }).click();
  await expect(page.getByRole("region", { name: "Answer" }).getByRole("alert")).toContainText(
    "the question is empty",
  );
});

test("attribution fills the heatmap, and a head's ablation impact is shown", async ({ page }) => {
  await page.goto("/");
  await chooseImage(page);
  await runAttribution(page);
  const scores = await scoresOf(page);
  expect(scores).toHaveLength(64);
  for (const score of scores) expect(Number.isFinite(Number.parseFloat(score))).toBe(true);

  await grid(page).getByRole("gridcell", { name: "Layer 3, head 5", exact: true }).click();
  const detail = page.getByRole("region", { name: "Head detail" });
  await expect(detail.getByRole("group", { name: "Ablating head 3.5" })).toContainText("goes from");
  await expect(detail.getByRole("img", { name: /Attention of head 3\.5/ })).toBeVisible();

  await detail.getByRole("button", { name: "Add head 3.5 to the set" }).click();
  await detail.getByRole("button", { name: "Ablate the set together" }).click();
  await expect(detail.getByRole("group", { name: "Ablating the set together" })).toBeVisible();
});

test("a permalink reopens with identical scores; damaged links get a clear error", async ({
  page,
  browser,
}) => {
  await page.goto("/");
  await chooseImage(page);
  await runAttribution(page);
  const original = await scoresOf(page);
  await page.getByRole("button", { name: "Copy permalink" }).click();
  const link = await page.getByRole("textbox", { name: "Permalink" }).inputValue();
  expect(link).toMatch(/#a=1\.[\w-]+$/);

  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await other.goto(link);
    expect(await scoresOf(other)).toEqual(original);
    await expect(other.getByRole("region", { name: "Answer" })).toContainText("Answer:");

    const at = link.indexOf("#a=1.") + 40;
    const swapped = link[at] === "A" ? "B" : "A";
    await other.goto(`${link.slice(0, at)}${swapped}${link.slice(at + 1)}`);
    await other.reload();
    await expect(other.getByRole("alert", { name: "Permalink problem" })).toContainText(
      "This permalink is damaged",
    );
    await other.goto(link.slice(0, link.length - 30));
    await other.reload();
    await expect(other.getByRole("alert", { name: "Permalink problem" })).toContainText(
      "This permalink is damaged",
    );
  } finally {
    await fresh.close();
  }
});

test("an attribution is kept in the history across a reload", async ({ page }) => {
  await page.goto("/");
  await chooseImage(page);
  await runAttribution(page);
  const original = await scoresOf(page);
  const history = page.getByRole("region", { name: "History" });
  await expect(history.locator(".history-title")).toHaveCount(1);

  await page.goto("/");
  await expect(history.locator(".history-title")).toHaveCount(1);
  await history.getByRole("button", { name: /^Open / }).click();
  expect(await scoresOf(page)).toEqual(original);
});
