import { expect, test } from "@playwright/test";

/**
 * The badge settles when the model is ready: loaded, and on wasm warmed up (the mean
 * baseline over the reference images and a batch of masks). That took 48-80 s at load
 * average 18-24 on the 2-core test machine (docs/measurements/browser-bench-wasm.json,
 * warmUpMs), past the default 60 s.
 */
const READY = { timeout: 180_000 };
test.describe.configure({ timeout: 240_000 });

// The wasm project's Chromium has no WebGPU; the webgpu project's has SwiftShader, a
// software adapter that runs on the CPU (one attribution took 831 s there against seconds
// on wasm), so by default both must run on wasm, each saying why.
test("the default backend is wasm, with the reason shown", async ({ page }, testInfo) => {
  await page.goto("/");
  const badge = page.getByRole("status", { name: "Backend" });
  await expect(badge).toHaveAttribute("data-backend", "wasm", READY);
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
  await expect(badge).toHaveAttribute("data-backend", "webgpu", READY);
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
  await expect(badge).toHaveAttribute("data-backend", "wasm", READY);
  await expect(badge).toContainText("wasm was requested");
});

test("the runtime is served by the app itself", async ({ page }) => {
  const foreign: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("http://127.0.0.1")) foreign.push(request.url());
  });
  await page.goto("/");
  await expect(page.getByRole("status", { name: "Backend" })).toHaveAttribute(
    "data-backend",
    /.+/,
    READY,
  );
  expect(foreign).toEqual([]);
});
