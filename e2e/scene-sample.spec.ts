/**
 * Scene metadata (the object's per-patch coverage) belongs to the bundled samples, looked
 * up by file name; a user's own image that happens to carry a sample's name must not get
 * that sample's mask. The real sample bytes, picked as a file, still get it.
 */
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";

const SAMPLE_00 = readFileSync("public/samples/sample-00.png");
const SAMPLE_01 = readFileSync("public/samples/sample-01.png");

const wasmOnly = (project: string) =>
  test.skip(project !== "wasm", "backend-independent UI logic: checked once, on wasm");

async function chooseFile(page: Page, buffer: Buffer) {
  await page
    .getByLabel("Image", { exact: true })
    .setInputFiles({ name: "sample-00.png", mimeType: "image/png", buffer });
  await expect(page.getByRole("region", { name: "Answer" })).toContainText("Answer:");
}

const sceneRadio = (page: Page) =>
  page
    .getByRole("region", { name: "Object vs background" })
    .getByRole("radio", { name: /^Scene metadata/ });

test("a file named like a sample gets the scene mask only if it is that sample", async ({
  page,
}, testInfo) => {
  wasmOnly(testInfo.project.name);
  await page.goto("/");
  // Another sample's pixels under sample-00's name: no scene metadata.
  await chooseFile(page, SAMPLE_01);
  await expect(page.getByRole("radio", { name: "Contribution threshold" })).toBeChecked();
  await expect(sceneRadio(page)).toBeDisabled();
  await expect(sceneRadio(page)).toHaveAccessibleName(/bundled samples only/);

  // sample-00 itself, given as a file: its scene metadata, chosen by default.
  await chooseFile(page, SAMPLE_00);
  await expect(sceneRadio(page)).toBeChecked();
  await expect(sceneRadio(page)).toBeEnabled();
});
