/**
 * Runs the findings script's unit tests (`npx vitest run -c scripts/findings/vitest.config.ts`):
 * the root config's `test.include` covers src/ and training/ only.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: { include: ["scripts/**/*.test.ts"], environment: "node" },
});
