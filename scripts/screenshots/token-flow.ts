/**
 * Takes docs/screenshots/token-flow.png: the real app (the built dist/, served by `vite
 * preview`) in Chromium, a bundled sample, the token flow run, object vs background
 * compared, and the final token pinned so that the patches it reads light up.
 *
 *     npx vite build && npx tsx scripts/screenshots/token-flow.ts [out.png]
 *
 * Starts its own preview server on the e2e port (stop any other one first).
 */
import { chromium } from "@playwright/test";
import { findChromium } from "../../e2e/chromium-path";
import { PREVIEW_PORT } from "../../vite.config";
import { startPreview } from "../preview-server";

const out = process.argv[2] ?? "docs/screenshots/token-flow.png";
const base = `http://127.0.0.1:${PREVIEW_PORT}/`;

const server = await startPreview(PREVIEW_PORT);
try {
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: ["--headless=new", "--no-sandbox", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(base);
    await page
      .getByRole("region", { name: "Sample images" })
      .getByRole("button", { name: /^Sample: / })
      .first()
      .click();
    await page.getByRole("region", { name: "Answer" }).getByText("Answer:").waitFor();
    const flow = page.getByRole("region", { name: "Token flow" });
    await flow.getByRole("button", { name: "Run token flow" }).click();
    await flow.getByLabel("Token flow summary").waitFor({ timeout: 180_000 });
    const objects = page.getByRole("region", { name: "Object vs background" });
    await objects.getByRole("button", { name: "Compare object and background" }).click();
    await objects.getByRole("table", { name: "Object vs background" }).waitFor();
    await flow.getByRole("slider", { name: "Layer window" }).fill("2");
    const row = page.locator(".wide-row");
    await row.scrollIntoViewIfNeeded();
    // Pinned (clicked), so the lit patches stay while the pointer moves away.
    await flow.getByRole("list", { name: "Prompt tokens" }).getByRole("button").last().click();
    await page.mouse.move(0, 0);
    await row.screenshot({ path: out });
    console.log(JSON.stringify({ screenshot: out }));
  } finally {
    await browser.close();
  }
} finally {
  server.stop();
}
