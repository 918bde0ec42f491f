import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

/** The port `npm start` serves on; the e2e harness uses it too. */
export const PREVIEW_PORT = 4173;

// Cross-origin isolation enables SharedArrayBuffer, which onnxruntime-web needs for wasm threads.
const crossOriginIsolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  plugins: [react()],
  server: { host: "127.0.0.1", port: 5173, headers: crossOriginIsolation },
  preview: {
    host: "127.0.0.1",
    port: PREVIEW_PORT,
    strictPort: true,
    headers: crossOriginIsolation,
  },
  worker: { format: "es" },
  // onnxruntime-web finds its wasm runtime next to its own module (new URL(..., import.meta.url)):
  // pre-bundling would move the module away from the runtime, so it is excluded, and the build
  // emits the runtime as an asset of the app itself (no CDN).
  optimizeDeps: { exclude: ["onnxruntime-web"] },
  build: { target: "es2022", chunkSizeWarningLimit: 2000 },
  test: {
    include: [
      "src/**/*.test.ts",
      "training/**/*.test.ts",
      "scripts/**/*.test.ts",
      "deploy/**/*.test.ts",
    ],
    environment: "node",
    testTimeout: 60_000,
  },
});
