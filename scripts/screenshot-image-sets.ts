/**
 * The README screenshot of the image sets view, taken from the real app: serves the built
 * app (dist/) with `vite preview`, opens it in Debian's Chromium on wasm, adds bundled
 * sample sets, runs them and photographs the "Image sets" region. Prints the run's
 * semantic-vs-appearance numbers as JSON, so the caption can quote what the picture shows.
 *
 *   npx vite build && npx tsx scripts/screenshot-image-sets.ts [--styles 3] [--masks 200]
 *     [--out docs/screenshots/image-sets.png] [--port 4181] [--json sets.json]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { findChromium } from "../e2e/chromium-path";
import { startPreview } from "./preview-server";

const { values } = parseArgs({
  options: {
    styles: { type: "string", default: "3" },
    masks: { type: "string", default: "200" },
    permutations: { type: "string", default: "10000" },
    out: { type: "string", default: "docs/screenshots/image-sets.png" },
    port: { type: "string", default: "4181" },
    /** Also save the run's exported JSON here (to compare with `headflow sets`). */
    json: { type: "string" },
  },
});
const baseUrl = `http://127.0.0.1:${values.port}/`;
const index = JSON.parse(readFileSync("public/samples/sets/labels.json", "utf8")) as {
  style: string;
}[];
const styles = [...new Set(index.map((item) => item.style))];

const server = await startPreview(Number(values.port));
try {
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: ["--headless=new", "--no-sandbox"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${baseUrl}?backend=wasm`);
  const panel = page.getByRole("region", { name: "Image sets" });
  for (const style of styles.slice(Number(values.styles))) {
    await panel
      .getByRole("group", { name: "Sample styles" })
      .getByLabel(style, { exact: true })
      .uncheck();
  }
  await panel.getByRole("button", { name: "Add sample sets" }).click();
  await panel.getByLabel("Masks per image").fill(values.masks);
  await panel.getByLabel("Permutations").fill(values.permutations);
  const chosen = index.filter((item) =>
    styles.slice(0, Number(values.styles)).includes(item.style),
  );
  await panel
    .getByText(new RegExp(`^${chosen.length} images ready;`))
    .waitFor({ timeout: 300_000 });
  const run = panel.getByRole("button", { name: "Run sets" });
  await run.waitFor();
  // Enabled once the model is loaded and every image is prepared.
  await page.waitForFunction(
    () => {
      const button = [...document.querySelectorAll<HTMLButtonElement>(".sets-run button")].find(
        (b) => b.textContent === "Run sets",
      );
      return button !== undefined && !button.disabled;
    },
    undefined,
    { timeout: 300_000 },
  );
  const started = Date.now();
  await run.click();
  await panel.getByTestId("sets-results").waitFor({ timeout: 1_800_000 });
  const seconds = (Date.now() - started) / 1000;
  const cells = await panel.locator("rect.similarity-cell").count();
  if (cells === 0) {
    await page.screenshot({ path: `${values.out}.failed.png`, fullPage: true });
    throw new Error(`no similarity cells drawn; page saved as ${values.out}.failed.png`);
  }
  await panel.screenshot({ path: values.out });
  if (values.json !== undefined) {
    const download = page.waitForEvent("download");
    await panel.getByRole("button", { name: "Export sets JSON" }).click();
    await (await download).saveAs(values.json);
  }
  const text = async (id: string) => (await panel.getByTestId(id).textContent())?.trim();
  console.log(
    JSON.stringify(
      {
        out: values.out,
        styles: styles.slice(0, Number(values.styles)),
        masksPerImage: Number(values.masks),
        runSeconds: seconds,
        similarityCells: cells,
        semantic: await text("semantic-mean"),
        appearance: await text("appearance-mean"),
        difference: await text("semantic-difference"),
        p: await text("semantic-p"),
      },
      null,
      2,
    ),
  );
  await browser.close();
} finally {
  server.stop();
}
