/**
 * zod must be jitless in every realm the app runs in, or the Content-Security-Policy
 * (no 'unsafe-eval') reports its `new Function` probe. zod reads the setting when a schema
 * is built, so the page's entry and every worker's entry must import src/zod-jitless.ts
 * before anything else. Workers are found the way Vite finds them: new Worker(new URL(...)).
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The page's entry and every worker script the sources start. */
function entryPoints(): string[] {
  const workers = sourceFiles("src").flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/new Worker\(\s*new URL\(\s*"([^"]+)"/g)].map((match) =>
      resolve(dirname(file), match[1]!),
    ),
  );
  return [resolve("src/main.tsx"), ...new Set(workers)];
}

describe("zod's jitless mode", () => {
  const entries = entryPoints();

  it("finds the page and the workers", () => {
    expect(entries.length).toBeGreaterThanOrEqual(4);
  });

  it.each(entries.map((path) => [relative(process.cwd(), path), path]))(
    "%s imports zod-jitless before anything else",
    (_name, path) => {
      const firstImport = readFileSync(path, "utf8").match(/^import [^;]*;/m)?.[0];
      const expected = relative(dirname(path), resolve("src/zod-jitless"));
      expect(firstImport).toBe(`import "${expected.startsWith(".") ? "" : "./"}${expected}";`);
    },
  );
});
