import { defineConfig } from "@playwright/test";
import { findChromium } from "./e2e/chromium-path";
import { PREVIEW_PORT } from "./vite.config";

const executablePath = findChromium();

// Flags for a closed network and a root user; WebGPU comes from SwiftShader when enabled.
const baseArgs = [
  "--headless=new",
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "e2e",
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  // One retry in CI only: Playwright still reports a test that needed it as "flaky".
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PREVIEW_PORT}/`,
    headless: true,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "wasm",
      use: { launchOptions: { executablePath, args: baseArgs } },
      metadata: { expectedBackend: "wasm" },
    },
    {
      name: "webgpu",
      use: { launchOptions: { executablePath, args: [...baseArgs, "--enable-unsafe-webgpu"] } },
      metadata: {
        expectedBackend: "webgpu",
        start: "/?backend=webgpu (a software adapter defaults to wasm)",
      },
    },
  ],
  webServer: {
    command: `npx vite preview --port ${PREVIEW_PORT} --strictPort`,
    url: `http://127.0.0.1:${PREVIEW_PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
