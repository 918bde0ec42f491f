/**
 * Bringing a model from a server that never answers: the Model control's "Loading…"
 * always offers Cancel, which returns to the model in use, and left alone the load ends
 * in a clear error (the download's connect timeout) instead of loading for good.
 */
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { chooseImageFile, wasmOnly } from "./app";

const SAMPLE = readFileSync("public/samples/sample-00.png");
const SILENT = "https://silent.test/model/";

test.beforeEach(async ({ context }, testInfo) => {
  wasmOnly(testInfo.project.name, "model loading does not depend on the backend");
  // Accepted and never answered: the route is never fulfilled.
  await context.route("https://silent.test/**", () => undefined);
});

async function loadSilentModel(page: Page) {
  await page.goto("/");
  await expect(page.getByRole("status", { name: "Backend" })).toHaveAttribute(
    "data-backend",
    "wasm",
  );
  await page.getByText("Model:", { exact: false }).first().click();
  await page.getByLabel("Model URL").fill(SILENT);
  await page.getByRole("button", { name: "Load" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Loading model" })).toBeVisible();
}

test("Cancel ends a load that hangs, and the bundled model stays in use", async ({ page }) => {
  await loadSilentModel(page);
  await expect(page.getByRole("button", { name: "Load" })).toBeDisabled();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Loading model" })).toHaveCount(0);
  await expect(page.getByLabel("Current model")).toHaveText("bundled");
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Load" })).toBeEnabled();
  await chooseImageFile(page, SAMPLE);
});

test("a server that never answers ends in a clear error, not Loading for good", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await loadSilentModel(page);
  await expect(page.getByRole("alert")).toContainText(
    /Could not load model: model file [\w.]+: https:\/\/silent\.test\/model\/[\w.]+ did not answer within 30 s/,
    { timeout: 60_000 },
  );
  await expect(page.getByRole("button", { name: "Load" })).toBeEnabled();
});
