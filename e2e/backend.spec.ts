import { expect, test } from "@playwright/test";

test("the backend badge shows the backend the browser can run", async ({ page }, testInfo) => {
  const expected = testInfo.project.metadata.expectedBackend as string;
  await page.goto("/");
  const badge = page.getByRole("status", { name: "Backend" });
  await expect(badge).toHaveAttribute("data-backend", expected);
  await expect(badge).toContainText(expected === "webgpu" ? "WebGPU" : "wasm");
  if (expected === "wasm") await expect(badge).toContainText("WebGPU unavailable");
});

test("the page is cross-origin isolated so wasm threads work", async ({ page }) => {
  await page.goto("/");
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
});

test("wasm can be forced from the URL", async ({ page }) => {
  await page.goto("/?backend=wasm");
  const badge = page.getByRole("status", { name: "Backend" });
  await expect(badge).toHaveAttribute("data-backend", "wasm");
  await expect(badge).toContainText("wasm was requested");
});

test("the runtime is served by the app itself", async ({ page }) => {
  const foreign: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("http://127.0.0.1")) foreign.push(request.url());
  });
  await page.goto("/");
  await expect(page.getByRole("status", { name: "Backend" })).toHaveAttribute("data-backend", /.+/);
  expect(foreign).toEqual([]);
});
