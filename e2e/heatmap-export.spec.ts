/**
 * The heatmap's uncertainty cue and its image exports, on the test-only heatmap page
 * (heatmap-harness/): cells within 2 SE of 0 fade (and stop fading when asked), and
 * "Export SVG" / "Export PNG" give files that draw the map on their own.
 */
import { readFile } from "node:fs/promises";
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
  await page.evaluate(
    (next) => (window as unknown as { heatmapHarness: HeatmapHarness }).heatmapHarness.render(next),
    props,
  );
}

const LAYERS = 4;
const HEADS = 5;
/** Scores 0, 0.05, 0.1, ... with SE 0.04: cells below 0.08 are within 2 SE of 0. */
const scores = Array.from({ length: LAYERS * HEADS }, (_, index) => index * 0.05);
const uncertainty = scores.map(() => 0.04);

test("cells within two standard errors of 0 fade, and the tooltip says so", async ({ page }) => {
  await openHarness(page, {
    layers: LAYERS,
    heads: HEADS,
    scores,
    uncertainty,
    label: "Attribution",
  });
  const faded = page.locator('[role="gridcell"][data-uncertain="true"]');
  await expect(faded).toHaveCount(2);
  await expect(page.getByRole("gridcell", { name: "Layer 0, head 1" })).toHaveAttribute(
    "fill-opacity",
    "0.3",
  );
  await page.getByRole("gridcell", { name: "Layer 0, head 1" }).hover();
  await expect(page.getByRole("tooltip")).toContainText("Attribution: 0.05 ± 0.04");
  await expect(page.getByRole("tooltip")).toContainText("within 2 SE of 0");

  await page.getByRole("checkbox", { name: /Fade heads within 2 standard errors/ }).uncheck();
  await expect(faded).toHaveCount(0);
  await expect(page.getByRole("gridcell", { name: "Layer 0, head 1" })).not.toHaveAttribute(
    "fill-opacity",
    /.*/,
  );
});

test("without an uncertainty there is no fading and no checkbox", async ({ page }) => {
  await openHarness(page, { layers: LAYERS, heads: HEADS, scores, label: "Attention weight" });
  await expect(page.getByRole("checkbox")).toHaveCount(0);
  await expect(page.locator("[data-uncertain]")).toHaveCount(0);
});

test("Export SVG gives a standalone SVG with the cells' colours and the legend", async ({
  page,
}) => {
  await openHarness(page, {
    layers: LAYERS,
    heads: HEADS,
    scores,
    uncertainty,
    label: "Attribution",
    exportName: "headflow-attribution-<b>scene</b>.png",
  });
  const downloadEvent = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export SVG" }).click();
  const download = await downloadEvent;
  // Characters outside [A-Za-z0-9._-] never reach the file name.
  expect(download.suggestedFilename()).toBe("headflow-attribution-_b_scene_b_.png.svg");
  const text = await readFile((await download.path())!, "utf8");
  expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);

  // Draw the file alone in a fresh page (no app CSS) and compare with the live map.
  const liveFill = await page
    .getByRole("gridcell", { name: "Layer 3, head 4" })
    .getAttribute("fill");
  const exported = await page.evaluate((svgText) => {
    const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
    const error = doc.querySelector("parsererror");
    const cells = [...doc.querySelectorAll('rect[role="gridcell"]')];
    const last = doc.querySelector('rect[aria-label="Layer 3, head 4"]');
    const texts = [...doc.querySelectorAll("text")].map((node) => node.textContent);
    return {
      error: error?.textContent ?? null,
      cells: cells.length,
      lastStyle: last?.getAttribute("style") ?? "",
      faded: cells.filter((cell) => cell.getAttribute("fill-opacity") === "0.3").length,
      texts,
      title: doc.querySelector("title")?.textContent ?? null,
      script: doc.querySelector("script") !== null,
    };
  }, text);
  expect(exported.error).toBeNull();
  expect(exported.cells).toBe(LAYERS * HEADS);
  expect(exported.faded).toBe(2);
  expect(exported.lastStyle).toContain(`fill:${liveFill}`);
  expect(exported.texts).toContain("Attribution");
  expect(exported.texts).toContain("pending");
  expect(exported.texts).toContain("< 2 SE");
  expect(exported.title).toBe("Attribution by layer and head");
  expect(exported.script).toBe(false);
});

test("Export PNG draws the map at twice its size", async ({ page }) => {
  await openHarness(page, {
    layers: LAYERS,
    heads: HEADS,
    scores,
    uncertainty,
    label: "Attribution",
    exportName: "map",
  });
  const svgSize = await page
    .locator("svg.heatmap-svg")
    .evaluate((svg) => [Number(svg.getAttribute("width")), Number(svg.getAttribute("height"))]);
  const downloadEvent = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export PNG" }).click();
  const download = await downloadEvent;
  expect(download.suggestedFilename()).toBe("map.png");
  const png = await readFile((await download.path())!);
  expect([...png.subarray(1, 4)].map((byte) => String.fromCharCode(byte)).join("")).toBe("PNG");
  // IHDR: width and height, big-endian, at bytes 16..23.
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([svgSize[0]! * 2, svgSize[1]! * 2]);
  // The brightest score (layer 3, head 4) is drawn in red: sample its centre in the PNG.
  const centre = await page.evaluate(
    async (bytes) => {
      const blob = new Blob([new Uint8Array(bytes)], { type: "image/png" });
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext("2d")!;
      context.drawImage(bitmap, 0, 0);
      const cell = document.querySelector('[aria-label="Layer 3, head 4"]')!;
      const x = (Number(cell.getAttribute("x")) + Number(cell.getAttribute("width")) / 2) * 2;
      const y = (Number(cell.getAttribute("y")) + Number(cell.getAttribute("height")) / 2) * 2;
      return [...context.getImageData(Math.round(x), Math.round(y), 1, 1).data];
    },
    [...png],
  );
  expect(centre[0]!).toBeGreaterThan(centre[2]! + 50);
});
