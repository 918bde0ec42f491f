/**
 * "Import JSON" opens the file `npx headflow attribute --out` writes: the heatmap shows the
 * file's scores exactly, with their standard errors, and a broken file gets a clear error.
 * The file is made by the real CLI (a small run on a bundled sample) when the spec starts.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";

let folder = "";
let cliJson = "";

test.beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "headflow-import-"));
  cliJson = join(folder, "attribution.json");
  // 200 masks: more training masks than the 64 heads + intercept, so every SE is defined.
  execFileSync(
    process.execPath,
    [
      "bin/headflow.mjs",
      "attribute",
      "--image",
      "public/samples/sample-00.png",
      "--samples",
      "200",
      "--seed",
      "3",
      "--out",
      cliJson,
    ],
    { stdio: ["ignore", "ignore", "inherit"], timeout: 100_000 },
  );
});

test.afterAll(async () => {
  if (folder !== "") await rm(folder, { recursive: true, force: true });
});

test("Import JSON shows a CLI attribution's scores exactly, with their standard errors", async ({
  page,
}) => {
  const file = JSON.parse(await readFile(cliJson, "utf8")) as {
    scores: number[][];
    standardErrors: (number | null)[][];
  };
  await page.goto("/");
  await page.getByLabel("Import JSON").setInputFiles(cliJson);
  await expect(
    page.getByRole("status").filter({ hasText: "Opened attribution.json" }),
  ).toBeVisible();
  await expect(page.getByLabel("Attribution fit")).toContainText("imported from a JSON file");
  // The batch the CLI chose for the bundled model, and why (the default of 32).
  await expect(page.getByTestId("attribution-batch")).toHaveText(
    /^batch 32 \(cache \d+\.\d MB\/row; default cap\)$/,
  );

  const grid = page.getByRole("grid", { name: "Attribution by layer and head" });
  const shown = await grid
    .getByRole("gridcell")
    .evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute("data-score"))));
  expect(shown).toEqual(file.scores.flat());
  const errors = await grid
    .getByRole("gridcell")
    .evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute("data-uncertainty"))));
  expect(errors).toEqual(file.standardErrors.flat());

  await grid.getByRole("gridcell", { name: "Layer 0, head 1", exact: true }).hover();
  await expect(page.getByRole("tooltip")).toContainText("± 1 standard error");
  await expect(
    page.getByRole("checkbox", { name: /Fade heads within 2 standard errors/ }),
  ).toBeChecked();
});

test("Import JSON explains what is wrong with a file it cannot open", async ({ page }) => {
  const original = JSON.parse(await readFile(cliJson, "utf8")) as Record<string, unknown>;
  const cases: [string, string, RegExp][] = [
    ["not-json.json", "{ this is not JSON", /not-json\.json could not be opened: .*JSON/],
    [
      "other-version.json",
      JSON.stringify({ ...original, schema: "headflow.attribution/9" }),
      /schema is "headflow\.attribution\/9", expected headflow\.attribution\/1/,
    ],
    [
      "bad-scores.json",
      JSON.stringify({ ...original, scores: "<img src=x onerror=alert(1)>" }),
      /not a valid HeadFlow attribution: scores/,
    ],
  ];
  await page.goto("/");
  for (const [name, text, message] of cases) {
    const path = join(folder, name);
    await writeFile(path, text);
    await page.getByLabel("Import JSON").setInputFiles(path);
    await expect(page.getByRole("status").filter({ hasText: message })).toBeVisible();
  }
  await expect(page.locator("img[src=x]")).toHaveCount(0);
});
