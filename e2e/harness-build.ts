/**
 * Test-only pages: a folder under e2e/ with an index.html that mounts one piece of the app
 * alone. It is built with Vite into a temporary folder when a spec starts, and served to the
 * browser through request interception under the app's origin, so it never ships in dist/.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import react from "@vitejs/plugin-react";
import { build } from "vite";

export interface Harness {
  /** Opens the page and waits until it has set `window[readyGlobal]`. */
  open(page: Page, readyGlobal: string): Promise<void>;
  dispose(): Promise<void>;
}

export async function buildHarness(folder: string): Promise<Harness> {
  const path = `/__${folder}__/`;
  const outDir = await mkdtemp(join(tmpdir(), `headflow-${folder}-`));
  await build({
    configFile: false,
    root: fileURLToPath(new URL(`./${folder}/`, import.meta.url)),
    base: path,
    plugins: [react()],
    logLevel: "warn",
    worker: { format: "es" },
    build: { outDir, emptyOutDir: true, target: "es2022" },
  });
  return {
    async open(page, readyGlobal) {
      await page.route(`**${path}**`, (route) => {
        const relative = new URL(route.request().url()).pathname.slice(path.length);
        const file = normalize(join(outDir, relative === "" ? "index.html" : relative));
        if (!file.startsWith(outDir + sep)) return route.fulfill({ status: 404 });
        return route.fulfill({ path: file });
      });
      await page.goto(path);
      await page.waitForFunction((name) => name in window, readyGlobal);
    },
    dispose: () => rm(outDir, { recursive: true, force: true }),
  };
}
