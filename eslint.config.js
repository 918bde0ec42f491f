import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

const SPREAD_MIN_MAX =
  "Math.min/max(...values) overflows the stack on large arrays: use minOf/maxOf (src/engine/math/extent.ts, exported by src/engine), which loop";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "coverage/**",
      "test-results/**",
      "playwright-report/**",
      "public/**",
      "training/data/out/**",
      "training/runs/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      // Spreading an array into arguments puts every item on the stack: Node 20 throws
      // "Maximum call stack size exceeded" for Math.max over 200,000 items (120,000 pass),
      // a size a link's token-flow curves reached.
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "CallExpression[callee.object.name='Math'][callee.property.name=/^(min|max)$/] > SpreadElement",
          message: SPREAD_MIN_MAX,
        },
        {
          selector:
            "CallExpression[callee.property.name='apply'][callee.object.object.name='Math'][callee.object.property.name=/^(min|max)$/]",
          message: SPREAD_MIN_MAX,
        },
      ],
    },
  },
  {
    files: ["src/views/**/*.{ts,tsx}", "src/store/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The engine runs in Node and in workers: keep DOM and React out of it.
    files: ["src/engine/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            "react",
            "react-dom",
            "zustand",
            "comlink",
            "*/views/*",
            "*/workers/*",
            "*/store/*",
          ],
        },
      ],
      "no-restricted-globals": ["error", "window", "document", "navigator", "self"],
    },
  },
  {
    // One front door: outside the engine, import its public API (src/engine/index.ts), the
    // Node-only helpers (src/engine/node) or the test models (src/engine/testing), never a
    // module inside it. The measurement scripts (scripts/measurements) time engine internals
    // (the graph rewrite, the batch budget) on purpose, so they are exempt.
    files: [
      "src/**/*.{ts,tsx}",
      "scripts/**/*.ts",
      "e2e/**/*.ts",
      "training/**/*.ts",
      "deploy/**/*.ts",
    ],
    ignores: ["src/engine/**", "scripts/measurements/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "**/engine/*",
                "!**/engine/node",
                "!**/engine/testing",
                "!**/engine/testing/*",
              ],
              message:
                "import the engine's public API (src/engine/index.ts) instead of a module inside it",
            },
          ],
        },
      ],
    },
  },
);
