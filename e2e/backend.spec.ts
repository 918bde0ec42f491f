import { expect, test } from "@playwright/test";

// The wasm project's Chromium has no WebGPU; the webgpu project's has SwiftShader, a
// software adapter that runs on the CPU (one attribution took 831 s there against seconds
// on wasm), so by default both must run on wasm, each saying why.
test("the default backend is wasm, with the reason shown", async ({ page }, testInfo) => {
  await page.goto("/");
  const badge = page.getByRole("status", { name: "Backend" });
  await expect(badge).toHaveAttribute("data-backend", "wasm");
  await expect(badge).toContainText("wasm");
  if (testInfo.project.name === "webgpu") {
    await expect(badge).toContainText(/WebGPU adapter \(google swiftshader\) runs on the CPU/);
    await expect(badge).toContainText("?backend=webgpu forces it");
  } else {
    await expect(badge).toContainText("WebGPU unavailable");
  }
});

test("an explicit ?backend=webgpu is honoured on a software adapter", async ({
  page,
}, testInfo) => {
  test.skip(testInfo.project.name !== "webgpu", "needs a WebGPU adapter (the webgpu project)");
  await page.goto("/?backend=webgpu");
  const badge = page.getByRole("status", { name: "Backend" });
  await expect(badge).toHaveAttribute("data-backend", "webgpu");
  await expect(badge).toContainText("WebGPU was requested");
  await expect(badge).toContainText("software adapter");
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
