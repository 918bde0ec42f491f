/**
 * The head heatmap in a real browser: its ARIA grid, live filling, tooltip, mouse and
 * keyboard selection, and that streaming updates touch only the cells that changed. The
 * app shows no heatmap until attribution exists, so a test-only page (heatmap-harness/)
 * mounts the component alone (see harness-build.ts).
 */
import { expect, test, type Page } from "@playwright/test";
import { buildHarness, type Harness } from "./harness-build";
import type { HarnessProps, HeatmapHarness } from "./heatmap-harness/main";

let harness: Harness | null = null;

test.beforeAll(async () => {
  harness = await buildHarness("heatmap-harness");
});

test.afterAll(async () => {
  await harness?.dispose();
});

async function openHarness(page: Page, props: HarnessProps) {
  await harness!.open(page, "heatmapHarness");
  return renderHeatmap(page, props);
}

function renderHeatmap(page: Page, props: HarnessProps): Promise<number> {
  return page.evaluate(
    (next) => (window as unknown as { heatmapHarness: HeatmapHarness }).heatmapHarness.render(next),
    props,
  );
}

function selections(page: Page) {
  return page.evaluate(
    () => (window as unknown as { heatmapHarness: HeatmapHarness }).heatmapHarness.selections,
  );
}

const LAYERS = 6;
const HEADS = 8;
const pending = (count: number) => Array.from({ length: count }, () => null);

/** A fixed pattern of scores with both signs; cell (2, 3) has the largest. */
function scoresFor(layers: number, heads: number): number[] {
  return Array.from({ length: layers * heads }, (_, index) =>
    index === 2 * heads + 3 ? 0.9 : Math.round(Math.sin(index * 1.7) * 500) / 1000,
  );
}

function rgbOf(fill: string | null): [number, number, number] {
  const match = /rgb\((\d+), (\d+), (\d+)\)/.exec(fill ?? "");
  if (match === null) throw new Error(`not an rgb() fill: ${fill}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

test("the heatmap is a grid of layers x heads, named cell by cell", async ({ page }) => {
  await openHarness(page, {
    layers: LAYERS,
    heads: HEADS,
    scores: pending(LAYERS * HEADS),
    label: "Attribution",
  });
  const grid = page.getByRole("grid", { name: "Attribution by layer and head" });
  await expect(grid.getByRole("row")).toHaveCount(LAYERS);
  await expect(grid.getByRole("gridcell")).toHaveCount(LAYERS * HEADS);
  const cell = grid.getByRole("gridcell", { name: "Layer 5, head 7", exact: true });
  await expect(cell).toHaveAttribute("data-score", "");
  // Layer 0 is the top row.
  const top = await grid.getByRole("gridcell", { name: "Layer 0, head 0" }).boundingBox();
  const bottom = await cell.boundingBox();
  expect(top!.y).toBeLessThan(bottom!.y);
});

test("the map fills in as scores arrive, red for positive and blue for negative", async ({
  page,
}) => {
  const scores = scoresFor(LAYERS, HEADS);
  const partial: (number | null)[] = pending(LAYERS * HEADS);
  await openHarness(page, { layers: LAYERS, heads: HEADS, scores: partial, label: "Attribution" });
  for (let filled = 0; filled < scores.length; filled += 12) {
    for (let index = filled; index < Math.min(filled + 12, scores.length); index++) {
      partial[index] = scores[index]!;
    }
    await renderHeatmap(page, {
      layers: LAYERS,
      heads: HEADS,
      scores: partial,
      label: "Attribution",
    });
  }
  const cells = page.getByRole("gridcell");
  const attributes = await cells.evaluateAll((nodes) =>
    nodes.map((node) => ({
      name: node.getAttribute("aria-label"),
      score: node.getAttribute("data-score"),
      fill: node.getAttribute("fill"),
    })),
  );
  expect(attributes.map((cell) => cell.score)).toEqual(scores.map(String));
  const strongest = attributes[2 * HEADS + 3]!;
  expect(strongest.name).toBe("Layer 2, head 3");
  const [red, , blue] = rgbOf(strongest.fill);
  expect(red).toBeGreaterThan(blue + 50);
  const negative = attributes.find((cell) => Number(cell.score) < -0.4)!;
  const [nRed, , nBlue] = rgbOf(negative.fill);
  expect(nBlue).toBeGreaterThan(nRed + 50);
});

test("hovering a cell shows its layer, head, score and uncertainty", async ({ page }) => {
  const scores = scoresFor(LAYERS, HEADS);
  await openHarness(page, {
    layers: LAYERS,
    heads: HEADS,
    scores,
    uncertainty: scores.map(() => 0.05),
    label: "Attribution",
  });
  await page.getByRole("gridcell", { name: "Layer 2, head 3" }).hover();
  const tooltip = page.getByRole("tooltip");
  await expect(tooltip).toContainText("Layer 2, head 3");
  await expect(tooltip).toContainText("Attribution: 0.9 ± 0.05");
  await page.mouse.move(0, 0);
  await expect(tooltip).toHaveCount(0);
});

test("clicking a cell selects that head", async ({ page }) => {
  await openHarness(page, {
    layers: LAYERS,
    heads: HEADS,
    scores: scoresFor(LAYERS, HEADS),
    label: "Attribution",
  });
  const cell = page.getByRole("gridcell", { name: "Layer 4, head 1" });
  await cell.click();
  expect(await selections(page)).toEqual([{ layer: 4, head: 1 }]);
  await expect(cell).toHaveAttribute("aria-selected", "true");
  await expect(page.locator('[aria-selected="true"]')).toHaveCount(1);
});

test("the keyboard moves through the grid and Enter or Space selects", async ({ page }) => {
  await openHarness(page, {
    layers: LAYERS,
    heads: HEADS,
    scores: scoresFor(LAYERS, HEADS),
    label: "Single-head ablation",
  });
  // The whole grid is one tab stop.
  await expect(page.locator('.heatmap-cell[tabindex="0"]')).toHaveCount(1);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("gridcell", { name: "Layer 0, head 0" })).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowDown");
  const target = page.getByRole("gridcell", { name: "Layer 1, head 2" });
  await expect(target).toBeFocused();
  await expect(page.getByRole("tooltip")).toContainText("Single-head ablation:");
  // Screen readers hear the score after the name.
  await expect(target).toHaveAccessibleDescription(/^Layer 1, head 2 Single-head ablation: -?\d/);
  await page.keyboard.press("Enter");
  await page.keyboard.press("End");
  await page.keyboard.press(" ");
  expect(await selections(page)).toEqual([
    { layer: 1, head: 2 },
    { layer: 1, head: HEADS - 1 },
  ]);
  await expect(page.getByRole("gridcell", { name: `Layer 1, head ${HEADS - 1}` })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  await expect(target).toHaveAttribute("aria-selected", "false");
});

test("a streamed update repaints only the cells that changed", async ({ page }, testInfo) => {
  const layers = 40;
  const heads = 40;
  const scores: (number | null)[] = scoresFor(layers, heads);
  scores[0] = null;
  await openHarness(page, { layers, heads, scores, label: "Attribution" });
  await expect(page.getByRole("gridcell")).toHaveCount(layers * heads);

  await page.evaluate(() => {
    const record = ((window as unknown as { mutatedCells: Set<string> }).mutatedCells = new Set());
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        const target = mutation.target as Element;
        if (target.getAttribute("role") === "gridcell")
          record.add(target.getAttribute("aria-label")!);
      }
    }).observe(document.body, { attributes: true, subtree: true });
  });
  // Fill in one pending cell with a value inside the current colour range.
  scores[0] = 0.01;
  await renderHeatmap(page, { layers, heads, scores, label: "Attribution" });
  const mutated = await page.evaluate(() => [
    ...(window as unknown as { mutatedCells: Set<string> }).mutatedCells,
  ]);
  expect(mutated).toEqual(["Layer 0, head 0"]);

  // Time 20 full updates of 40 x 40 as they would stream in (reported, not asserted).
  const timings: number[] = [];
  for (let step = 1; step <= 20; step++) {
    const next = scores.map((value, index) =>
      value === null ? null : value * (1 + step / 100) + index * 1e-6,
    );
    timings.push(await renderHeatmap(page, { layers, heads, scores: next, label: "Attribution" }));
  }
  timings.sort((a, b) => a - b);
  const description = `40x40 update: median ${timings[10]!.toFixed(1)} ms, max ${timings[19]!.toFixed(1)} ms`;
  testInfo.annotations.push({ type: "timing", description });
  console.log(description);
});
