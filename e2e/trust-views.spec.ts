/**
 * The trust views on the bundled model: attention vs effect (correlations shown as the
 * exported points give them, an outlier selects its head in the heatmap), baseline
 * sensitivity (mean and blank on the same masks, the table as the exported JSON says) and
 * a comparison with a second result opened from a file, all through keyboard-reachable,
 * named controls.
 */
import { readFileSync } from "node:fs";
import { expect, test, type Download, type Page } from "@playwright/test";
import { chooseImageFile, wasmOnly } from "./app";

const SAMPLE = readFileSync("public/samples/sample-00.png");

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
  pairs: { spearman: number | null; topKOverlap: number }[];
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
