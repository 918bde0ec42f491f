import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

/** The port `npm start` serves on; the e2e harness uses it too. */
export const PREVIEW_PORT = 4173;

// Cross-origin isolation enables SharedArrayBuffer, which onnxruntime-web needs for wasm threads.
const crossOriginIsolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/**
 * The app's Content-Security-Policy, each source one the app needs (docs/HOSTING.md):
 * scripts and workers only from the app's own files, plus 'wasm-unsafe-eval' for
 * onnxruntime-web's WebAssembly (never 'unsafe-eval': zod runs jitless, see
 * src/zod-jitless.ts); images also from data: (history thumbnails) and blob: (the SVG a
 * PNG export draws); connections to any http(s) origin, because "Bring your own VLM" downloads a
 * model from the URL the user gives.
 */
const CSP_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' https: http:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** The policy as a <meta> tag can carry it (frame-ancestors is ignored there). */
export const CONTENT_SECURITY_POLICY_META = CSP_DIRECTIVES.join("; ");

/** The policy as a response header: the meta policy plus who may frame the app (no one). */
export const CONTENT_SECURITY_POLICY = [...CSP_DIRECTIVES, "frame-ancestors 'none'"].join("; ");

/** Headers every response of the app carries (preview; static hosting: docs/HOSTING.md). */
export const SECURITY_HEADERS = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

/**
 * The dev server cannot take the script policy (React's fast refresh injects an inline
 * script), so it sends everything else: framing refused, no sniffing, no referrer.
 */
const DEV_HEADERS = {
  "Content-Security-Policy": "frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

/**
 * Puts the policy in the built index.html as a <meta> too, so a static host that sends no
 * headers still enforces it on the page (not on workers, nor framing: those need headers).
 */
function cspMetaTag(): Plugin {
  return {
    name: "headflow-csp-meta",
    apply: "build",
    transformIndexHtml: () => [
      {
        tag: "meta",
        attrs: { "http-equiv": "Content-Security-Policy", content: CONTENT_SECURITY_POLICY_META },
        injectTo: "head-prepend",
      },
    ],
  };
}

export default defineConfig({
  plugins: [react(), cspMetaTag()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    headers: { ...crossOriginIsolation, ...DEV_HEADERS },
  },
  preview: {
    host: "127.0.0.1",
    port: PREVIEW_PORT,
    strictPort: true,
    headers: { ...crossOriginIsolation, ...SECURITY_HEADERS },
  },
  worker: { format: "es" },
  // onnxruntime-web finds its wasm runtime next to its own module (new URL(..., import.meta.url)):
  // pre-bundling would move the module away from the runtime, so it is excluded, and the build
  // emits the runtime as an asset of the app itself (no CDN).
  optimizeDeps: { exclude: ["onnxruntime-web"] },
  // One onnxruntime in the build: @huggingface/transformers pins its own onnxruntime-web
  // (nested in its node_modules), whose 25 MB wasm runtime the build would emit a second
  // time. At run time transformers.js already uses the app's (registered under
  // Symbol.for("onnxruntime"), src/workers/third-party-model.ts), so its imports resolve
  // to the app's copy too.
  resolve: { dedupe: ["onnxruntime-web", "onnxruntime-common"] },
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
