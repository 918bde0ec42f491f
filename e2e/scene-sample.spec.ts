/**
 * Scene metadata (the object's per-patch coverage) belongs to the bundled samples, looked
 * up by file name; a user's own image that happens to carry a sample's name must not get
 * that sample's mask. The real sample bytes, picked as a file, still get it.
 */
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { chooseImageFile, wasmOnly } from "./app";

const SAMPLE_00 = readFileSync("public/samples/sample-00.png");
const SAMPLE_01 = readFileSync("public/samples/sample-01.png");

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
  await chooseImageFile(page, SAMPLE_01);
  await expect(page.getByRole("radio", { name: "Contribution threshold" })).toBeChecked();
  await expect(sceneRadio(page)).toBeDisabled();
  await expect(sceneRadio(page)).toHaveAccessibleName(/bundled samples only/);

  // sample-00 itself, given as a file: its scene metadata, chosen by default.
  await chooseImageFile(page, SAMPLE_00);
  await expect(sceneRadio(page)).toBeChecked();
  await expect(sceneRadio(page)).toBeEnabled();
});
