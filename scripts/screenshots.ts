/**
 * README screenshots of the main views, taken from the built app (dist/) in Debian's
 * Chromium with the bundled model and samples. Run on demand, not by `npm test`:
 *
 *   npx vite build && npx tsx scripts/screenshots.ts [--only explorer] [--port 4180]
 *
 * Each shot is an entry of SHOTS: it drives the page to the state to show and names the
 * regions to frame; the PNG is clipped to the union of those regions. Other views add
 * their own entry (e.g. token-flow.png, image-sets.png) beside "explorer".
 */
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium, type Locator, type Page } from "@playwright/test";
import { findChromium } from "../e2e/chromium-path";
import { maxOf, minOf } from "../src/engine";
import { startPreview } from "./preview-server";

interface Shot {
  /** File name under docs/screenshots/. */
  file: string;
  /** Brings the page (already open at the app) to the state to show. */
  prepare(page: Page): Promise<void>;
  /** The regions to frame; the picture is clipped to the box around all of them. */
  regions(page: Page): Locator[];
}

const OUT_DIR = "docs/screenshots";
const ATTRIBUTION_TIMEOUT = 600_000;

/** Picks a bundled sample from the gallery and waits for the model's answer. */
async function askAboutSample(page: Page, index: number) {
  await page.getByRole("region", { name: "Sample images" }).getByRole("button").nth(index).click();
  await page
    .getByRole("region", { name: "Answer" })
    .getByRole("list", { name: "Top 5 answers" })
    .waitFor({ timeout: 300_000 });
}

const SHOTS: Record<string, Shot> = {
  explorer: {
    file: "explorer.png",
    async prepare(page) {
      await askAboutSample(page, 0);
      // Default settings: what a visitor gets.
      await page.getByRole("button", { name: "Run attribution" }).click();
      await page.getByTestId("held-out-r").waitFor({ timeout: ATTRIBUTION_TIMEOUT });
      // The head with the largest attribution, as a visitor would pick it.
      const grid = page.getByRole("grid", { name: "Attribution by layer and head" });
      const name = await grid.getByRole("gridcell").evaluateAll((cells) => {
        let best = cells[0]!;
        for (const cell of cells) {
          if (Number(cell.getAttribute("data-score")) > Number(best.getAttribute("data-score")))
            best = cell;
        }
        return best.getAttribute("aria-label")!;
      });
      const cell = grid.getByRole("gridcell", { name, exact: true });
      await cell.click();
      const detail = page.getByRole("region", { name: "Head detail" });
      await detail
        .getByRole("group", { name: /^Ablating head/ })
        .getByText("goes from")
        .waitFor();
      await detail.getByRole("img", { name: /^Attention of head/ }).waitFor();
      // Show the tooltip (score ± its standard error) on the selected head.
      await cell.hover();
      await page.getByRole("tooltip").waitFor();
    },
    regions: (page) => [
      page.getByRole("region", { name: "Your image" }),
      page.getByRole("region", { name: "Ask" }),
      page.getByRole("region", { name: "Heads" }),
      page.getByRole("region", { name: "Head detail" }),
    ],
  },
};

const { values } = parseArgs({
  options: {
    only: { type: "string", multiple: true },
    port: { type: "string", default: "4180" },
  },
});
const names = values.only ?? Object.keys(SHOTS);
for (const name of names) {
  if (!(name in SHOTS)) {
    throw new Error(`no screenshot named ${name}; known: ${Object.keys(SHOTS).join(", ")}`);
  }
}

const port = Number(values.port);
const baseUrl = `http://127.0.0.1:${port}/`;

/** The box around all regions, in page coordinates (the page is scrolled to the top). */
async function unionBox(regions: Locator[]) {
  const boxes = [];
  for (const region of regions) {
    const box = await region.boundingBox();
    if (box === null) throw new Error(`a region to frame is not visible: ${String(region)}`);
    boxes.push(box);
  }
  const x = minOf(boxes.map((b) => b.x));
  const y = minOf(boxes.map((b) => b.y));
  const right = maxOf(boxes.map((b) => b.x + b.width));
  const bottom = maxOf(boxes.map((b) => b.y + b.height));
  const margin = 8;
  return {
    x: Math.max(0, x - margin),
    y: Math.max(0, y - margin),
    width: right - x + 2 * margin,
    height: bottom - y + 2 * margin,
  };
}

const server = await startPreview(port);
try {
  mkdirSync(OUT_DIR, { recursive: true });
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: ["--headless=new", "--no-sandbox"],
  });
  for (const name of names) {
    const shot = SHOTS[name]!;
    const page = await browser.newPage({
      viewport: { width: 1440, height: 1000 },
      deviceScaleFactor: 1,
    });
    await page.goto(baseUrl);
    await shot.prepare(page);
    const clip = await unionBox(shot.regions(page));
    const path = `${OUT_DIR}/${shot.file}`;
    await page.screenshot({ path, clip, fullPage: true, animations: "disabled" });
    console.log(`${path}: ${Math.round(clip.width)} x ${Math.round(clip.height)}`);
    await page.close();
  }
  await browser.close();
} finally {
  server.stop();
}
