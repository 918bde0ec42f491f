/**
 * The trust views on the bundled model: attention vs effect (correlations shown as the
 * exported points give them, an outlier selects its head in the heatmap), baseline
 * sensitivity (mean and blank on the same masks, the table as the exported JSON says; a
 * chosen image as a third baseline) and a comparison with a second result opened from a
 * file, all through keyboard-reachable, named controls; and the trust views' state in a
 * permalink, opened in a fresh page.
 */
import { readFileSync } from "node:fs";
import { expect, test, type Download, type Locator, type Page } from "@playwright/test";
import { AnalysisPayloadSchema } from "../src/store/analysis-payload";
import { decodePermalink } from "../src/store/permalink/codec";
import { chooseImageFile, wasmOnly } from "./app";

const SAMPLE = readFileSync("public/samples/sample-00.png");
const OTHER_SAMPLE = readFileSync("public/samples/sample-03.png");

async function attribute(page: Page, samples: string) {
  await page.goto("/");
  // On a loaded machine the runtime can take minutes to start; the image waits for it.
  await expect(page.getByText("Starting model runtime…")).toHaveCount(0, { timeout: 300_000 });
  await chooseImageFile(page, SAMPLE);
  await page.getByText("Advanced settings").click();
  await page.getByLabel("Samples", { exact: true }).fill(samples);
  await page.getByRole("button", { name: "Run attribution" }).click();
  await expect(page.getByTestId("held-out-r")).toBeVisible({ timeout: 110_000 });
}

async function downloadedJson(page: Page, button: string): Promise<unknown> {
  const download: Promise<Download> = page.waitForEvent("download");
  await page.getByRole("button", { name: button }).click();
  const path = await (await download).path();
  return JSON.parse(readFileSync(path, "utf8"));
}

// Written here, not imported from the engine, so the page is checked against a second
// implementation: Pearson by its raw-sum formula, Spearman as Pearson of average ranks.
function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const sxy = sum(xs.map((x, i) => x * ys[i]!));
  const sxx = sum(xs.map((x) => x * x));
  const syy = sum(ys.map((y) => y * y));
  return (
    (n * sxy - sum(xs) * sum(ys)) / Math.sqrt((n * sxx - sum(xs) ** 2) * (n * syy - sum(ys) ** 2))
  );
}

function averageRanks(values: number[]): number[] {
  return values.map((v) => {
    const above = values.filter((w) => w > v).length;
    const tied = values.filter((w) => w === v).length;
    return above + (tied + 1) / 2;
  });
}

const spearman = (xs: number[], ys: number[]) => pearson(averageRanks(xs), averageRanks(ys));

interface Exported {
  schema: string;
  points: { attention: number; effect: number }[];
}

interface ExportedBaselines {
  schema: string;
  baselines: string[];
  pairs: { a: string; b: string; spearman: number | null; topKOverlap: number }[];
  attributions: { settings: { samples: number }; scores: number[][] }[];
}

interface ExportedComparison {
  schema: string;
  sameGrid: boolean;
  topKOverlap: number | null;
  a: { scores: number[][] };
  b: { scores: number[][] };
}

const trust = (page: Page) => page.getByRole("region", { name: "Can the head scores be trusted?" });

test("attention vs effect: correlations of the exported points, outliers select heads", async ({
  page,
}, info) => {
  wasmOnly(info.project.name);
  test.setTimeout(600_000);
  await attribute(page, "128");
  const panel = trust(page);
  await expect(panel.getByRole("tab", { name: "Attention vs effect" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  await expect(panel.getByTestId("attention-spearman")).toBeVisible({ timeout: 60_000 });

  const exported = (await downloadedJson(page, "Export the scatter as JSON")) as Exported;
  expect(exported.schema).toBe("headflow.attention-effect/1");
  expect(exported.points).toHaveLength(64);
  const xs = exported.points.map((p) => p.attention);
  const ys = exported.points.map((p) => p.effect);
  await expect(panel.getByTestId("attention-pearson")).toHaveText(pearson(xs, ys).toFixed(3));
  await expect(panel.getByTestId("attention-spearman")).toHaveText(spearman(xs, ys).toFixed(3));
  // The effects are the attribution's scores, head by head.
  const attribution = (await downloadedJson(page, "Export JSON")) as { scores: number[][] };
  expect(ys).toEqual(attribution.scores.flat());

  // The first named outlier (either list) is selected in the heatmap by keyboard.
  const outlier = panel.getByRole("button", { name: /^Select head \d+\.\d+/ }).first();
  const name = /Select head (\d+)\.(\d+)/.exec((await outlier.getAttribute("aria-label"))!)!;
  await outlier.focus();
  await page.keyboard.press("Enter");
  await expect(
    page.getByRole("gridcell", { name: `Layer ${name[1]}, head ${name[2]}`, exact: true }),
  ).toHaveAttribute("aria-selected", "true");
  await expect(panel.locator(`circle[data-head="${name[1]}.${name[2]}"]`)).toHaveAttribute(
    "r",
    "6",
  );
  await expect(panel.getByRole("button", { name: "Export the scatter as SVG" })).toBeVisible();
});

test("baseline sensitivity and compare: tables as their JSON says, tabs by keyboard", async ({
  page,
}, info) => {
  wasmOnly(info.project.name);
  test.setTimeout(600_000);
  await attribute(page, "96");
  const panel = trust(page);
  await panel.getByRole("tab", { name: "Attention vs effect" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(panel.getByRole("tab", { name: "Baseline sensitivity" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  await expect(panel.getByRole("tab", { name: "Baseline sensitivity" })).toBeFocused();

  await panel.getByRole("button", { name: "Run under each baseline" }).click();
  const table = panel.getByRole("table", { name: "Agreement between baselines" });
  await expect(table).toBeVisible({ timeout: 150_000 });
  const result = (await downloadedJson(
    page,
    "Export the baseline comparison as JSON",
  )) as ExportedBaselines;
  expect(result.schema).toBe("headflow.baselines/1");
  expect(result.baselines).toEqual(["mean", "blank"]);
  expect(result.attributions.map((a) => a.settings.samples)).toEqual([96, 96]);
  const pair = result.pairs[0]!;
  const flat = result.attributions.map((a) => a.scores.flat());
  expect(pair.spearman).toBeCloseTo(spearman(flat[0]!, flat[1]!), 12);
  await expect(table.getByRole("row", { name: /mean vs blank/ })).toContainText(
    pair.spearman!.toFixed(3),
  );
  await expect(panel.getByRole("group", { name: "Heads whose rank moves most" })).toBeVisible();

  // Compare the attribution on show (mean baseline) with the blank-baseline run as B.
  await panel.getByRole("tab", { name: "Baseline sensitivity" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(panel.getByRole("tab", { name: "Compare" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  await panel.getByLabel("Open second result (JSON)").setInputFiles({
    name: "blank.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(result.attributions[1])),
  });
  await expect(panel.getByTestId("compare-overlap")).toBeVisible();
  const comparison = (await downloadedJson(
    page,
    "Export the comparison as JSON",
  )) as ExportedComparison;
  expect(comparison.schema).toBe("headflow.compare/1");
  expect(comparison.sameGrid).toBe(true);
  expect(comparison.b.scores).toEqual(result.attributions[1]!.scores);
  // The attribution on show was run with the same masks under the mean baseline.
  expect(comparison.a.scores).toEqual(result.attributions[0]!.scores);
  expect(comparison.topKOverlap).toBe(pair.topKOverlap);
  await expect(
    panel.getByRole("grid", { name: "Difference B − A by layer and head" }),
  ).toBeVisible();
});

/** The selected head's gridcell in the attribution heatmap. */
const selectedCell = (page: Page) =>
  page
    .getByRole("grid", { name: "Attribution by layer and head" })
    .locator('[role="gridcell"][aria-selected="true"]');

/** The pairs' Spearman rho as the table shows them, row by row. */
async function tableRows(panel: Locator): Promise<string[]> {
  const table = panel.getByRole("table", { name: "Agreement between baselines" });
  return table.getByRole("row").allInnerTexts();
}

test("an image as a baseline, and the trust views' state through a permalink", async ({
  page,
  browser,
}, info) => {
  wasmOnly(info.project.name);
  test.setTimeout(900_000);
  await attribute(page, "64");
  const panel = trust(page);
  await panel.getByRole("tab", { name: "Baseline sensitivity" }).click();
  const imageBaseline = panel.getByRole("checkbox", { name: /The chosen baseline image/ });
  await expect(imageBaseline).toBeDisabled();

  // A file that is not an image: a clear message, and nothing chosen is lost.
  const picker = panel.getByLabel("Baseline image", { exact: true });
  await picker.setInputFiles({
    name: "notes <b>.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("not an image"),
  });
  await expect(panel.getByRole("alert", { name: "Baseline image problem" })).toContainText(
    "notes <b>.txt",
  );
  await expect(panel.getByRole("checkbox", { name: /\(mean\)/ })).toBeChecked();
  await expect(panel.getByRole("checkbox", { name: /\(blank\)/ })).toBeChecked();
  await expect(imageBaseline).toBeDisabled();

  // A real image, by keyboard-reachable file input: chosen, named as text.
  await picker.setInputFiles({
    name: "sample-03.png",
    mimeType: "image/png",
    buffer: OTHER_SAMPLE,
  });
  await expect(panel.getByTestId("baseline-image-name")).toHaveText("sample-03.png");
  await expect(imageBaseline).toBeChecked();
  await expect(panel.getByRole("alert", { name: "Baseline image problem" })).toHaveCount(0);

  await panel.getByRole("button", { name: "Run under each baseline" }).click();
  await expect(panel.getByRole("table", { name: "Agreement between baselines" })).toBeVisible({
    timeout: 300_000,
  });
  const result = (await downloadedJson(
    page,
    "Export the baseline comparison as JSON",
  )) as ExportedBaselines;
  expect(result.baselines).toEqual(["mean", "blank", "image:sample-03.png"]);
  expect(result.attributions.map((a) => a.settings.samples)).toEqual([64, 64, 64]);
  const flat = result.attributions.map((a) => a.scores.flat());
  // The image baseline changes the scores: it is not the mean or blank run again.
  expect(flat[2]).not.toEqual(flat[0]);
  expect(flat[2]).not.toEqual(flat[1]);
  const imagePair = result.pairs.find((p) => p.a === "mean" && p.b === "image:sample-03.png")!;
  expect(imagePair.spearman).toBeCloseTo(spearman(flat[0]!, flat[2]!), 12);
  const rows = await tableRows(panel);

  // A head to select, and a second result for Compare, then the link.
  const mover = panel.getByRole("button", { name: /^Select head \d+\.\d+/ }).first();
  const head = /Select head (\d+)\.(\d+)/.exec((await mover.getAttribute("aria-label"))!)!;
  await mover.click();
  await expect(selectedCell(page)).toHaveAccessibleName(`Layer ${head[1]}, head ${head[2]}`);
  await panel.getByRole("tab", { name: "Compare" }).click();
  await panel.getByLabel("Open second result (JSON)").setInputFiles({
    name: "blank.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(result.attributions[1])),
  });
  await expect(panel.getByTestId("compare-overlap")).toBeVisible();
  await panel.getByRole("tab", { name: "Baseline sensitivity" }).click();
  await page.getByRole("button", { name: "Copy permalink" }).click();
  const link = await page.getByRole("textbox", { name: "Permalink" }).inputValue();

  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await other.goto(link);
    const opened = trust(other);
    await expect(opened.getByRole("tab", { name: "Baseline sensitivity" })).toHaveAttribute(
      "aria-selected",
      "true",
    );
    await expect(opened.getByTestId("baseline-image-name")).toHaveText("sample-03.png");
    await expect(opened.getByRole("checkbox", { name: /The chosen baseline image/ })).toBeChecked();
    await expect(selectedCell(other)).toHaveAccessibleName(`Layer ${head[1]}, head ${head[2]}`);
    // The comparison is run again on open, with the same masks: the same table.
    await expect(opened.getByRole("table", { name: "Agreement between baselines" })).toBeVisible({
      timeout: 600_000,
    });
    expect(await tableRows(opened)).toEqual(rows);
    await opened.getByRole("tab", { name: "Compare" }).click();
    await expect(opened.getByText("B: blank.json")).toBeVisible();
    await expect(opened.getByTestId("compare-overlap")).toBeVisible();
    // The opened state builds back to the same analysis and trust state. (Byte for byte is
    // the unit test's: here the first link holds the engine's own attribution object, whose
    // key order need not be the schema's.)
    await opened.getByRole("tab", { name: "Baseline sensitivity" }).click();
    await other.getByRole("button", { name: "Copy permalink" }).click();
    const rebuilt = await other.getByRole("textbox", { name: "Permalink" }).inputValue();
    const payload = decodePermalink(link, AnalysisPayloadSchema);
    expect(payload.trust).toMatchObject({
      view: "baselines",
      baselines: ["mean", "blank", "image"],
      baselineImage: { name: "sample-03.png" },
      ran: true,
      head: { layer: Number(head[1]), head: Number(head[2]) },
      second: { from: "blank.json" },
    });
    expect(decodePermalink(rebuilt, AnalysisPayloadSchema)).toEqual(payload);
  } finally {
    await fresh.close();
  }
});
