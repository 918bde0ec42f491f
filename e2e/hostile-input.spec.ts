/**
 * Links and files built to break the app: impossible sizes, huge arrays, trailing bytes.
 * Each must end in a clear message while the rest of the app stays usable, and a failed
 * link must leave the address bar so that a reload starts clean.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "fflate";
import { expect, test, type Page } from "@playwright/test";
import { buildPayload } from "../src/store/analysis-payload";
import { encodeBase64Url } from "../src/store/permalink/base64url";
import { encodePermalink } from "../src/store/permalink/codec";
import { crc32 } from "../src/store/permalink/crc32";
import * as fixtures from "../src/store/testing/analysis-fixtures";
import { wasmOnly } from "./app";

test.beforeEach(({ page: _page }, testInfo) => {
  wasmOnly(testInfo.project.name);
});

const image = fixtures.modelImage();

/** An attribution payload with some fields replaced (after the fixture is built). */
function attributionLink(change: Record<string, unknown>): string {
  const payload = buildPayload(image, null, fixtures.attribution());
  return encodePermalink({ ...payload, attribution: { ...payload.attribution!, ...change } });
}

/** A valid link with bytes after its deflate stream (the checksum still matches). */
function linkWithTrailingJunk(): string {
  const json = new TextEncoder().encode(
    JSON.stringify(buildPayload(image, null, fixtures.attribution())),
  );
  const compressed = deflateSync(json, { level: 9 });
  const framed = new Uint8Array(compressed.length + 3 + 4);
  framed.set(compressed);
  framed.set([1, 2, 3], compressed.length);
  new DataView(framed.buffer).setUint32(compressed.length + 3, crc32(json));
  return `#a=1.${encodeBase64Url(framed)}`;
}

function flowLinkWithPoints(points: number): string {
  const flow = fixtures.flow();
  const curves = flow.result.curves.map((curve, i) =>
    i === 0
      ? {
          ...curve,
          probability: Array.from({ length: points }, () => 0.2),
          change: Array.from({ length: points }, () => -0.1),
        }
      : curve,
  );
  const payload = buildPayload(image, null, null, { flow, patches: fixtures.patches() });
  return encodePermalink({ ...payload, flow: { ...flow, result: { ...flow.result, curves } } });
}

const grid = (rows: number, columns: number) =>
  Array.from({ length: rows }, () => Array.from({ length: columns }, () => 0.1));

const cases: [string, () => string, RegExp][] = [
  ["heads 0", () => attributionLink({ heads: 0 }), /heads must be 1\.\.256 \(got 0\)/],
  ["heads -3", () => attributionLink({ heads: -3 }), /heads must be 1\.\.256 \(got -3\)/],
  ["layers 1e9", () => attributionLink({ layers: 1e9 }), /layers must be 1\.\.256/],
  ["1e5 curve points", () => flowLinkWithPoints(100_000), /flow\.result\.curves\.0\.probability/],
  [
    "samples 1e15",
    () => attributionLink({ settings: { ...fixtures.attribution().settings, samples: 1e15 } }),
    /attribution\.settings\.samples/,
  ],
  [
    "1000 x 1000 scores",
    () => attributionLink({ layers: 1000, heads: 1000, scores: grid(1000, 1000) }),
    /attribution\.scores/,
  ],
  ["trailing junk", linkWithTrailingJunk, /bytes follow the end of its compressed data/],
];

async function expectUsable(page: Page): Promise<void> {
  await expect(page.getByRole("heading", { name: "HeadFlow", level: 1 })).toBeVisible();
  await expect(page.getByRole("region", { name: "History" })).toBeVisible();
  await expect(page.getByLabel("Import JSON")).toBeEnabled();
}

for (const [name, makeLink, message] of cases) {
  test(`a permalink with ${name} is refused clearly and leaves the address bar`, async ({
    page,
  }) => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`/${makeLink()}`);
    const problem = page.getByRole("alert", { name: "Permalink problem" });
    await expect(problem).toContainText("This permalink is damaged");
    await expect(problem).toContainText(message);
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe("");
    await expectUsable(page);
    // A reload starts clean: no link, no message.
    await page.reload();
    await expectUsable(page);
    await expect(problem).toHaveCount(0);
    expect(errors).toEqual([]);
  });
}

test("Import JSON with heads 0 says why and the rest of the app still works", async ({ page }) => {
  const folder = await mkdtemp(join(tmpdir(), "headflow-hostile-"));
  const path = join(folder, "heads-0.json");
  await writeFile(path, JSON.stringify({ ...fixtures.attribution(), heads: 0 }));
  await page.goto("/");
  await page.getByLabel("Import JSON").setInputFiles(path);
  await expect(
    page
      .getByRole("status")
      .filter({ hasText: /heads-0\.json could not be opened: .*heads must be 1\.\.256 \(got 0\)/ }),
  ).toBeVisible();
  await expectUsable(page);
  // A valid file still opens afterwards.
  const valid = join(folder, "valid.json");
  await writeFile(valid, JSON.stringify(fixtures.attribution()));
  await page.getByLabel("Import JSON").setInputFiles(valid);
  await expect(page.getByRole("status").filter({ hasText: "Opened valid.json." })).toBeVisible();
});

test("a valid link too long to decode at once opens, decoded in a worker", async ({ page }) => {
  // Random attention values do not compress: the link is some 200 K characters.
  const flow = fixtures.flow();
  let state = 7;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const tokenAttention = {
    positions: Array.from({ length: 300 }, (_, i) => i % 82),
    attention: Array.from({ length: 300 }, () => Array.from({ length: 64 }, random)),
  };
  const payload = buildPayload(image, null, null, { flow: { ...flow, tokenAttention } });
  const link = encodePermalink(payload);
  expect(link.length).toBeGreaterThan(64 * 1024);
  const workers: string[] = [];
  page.on("worker", (worker) => workers.push(worker.url()));
  await page.goto(`/${link}`);
  await expect.poll(() => workers.some((url) => url.includes("decode.worker"))).toBe(true);
  await expectUsable(page);
  await expect(page.getByRole("alert", { name: "Permalink problem" })).toHaveCount(0);
  expect(await page.evaluate(() => window.location.hash)).toBe(link);
});

test("a panel that fails to draw says why in its place; the rest works and the link leaves", async ({
  page,
}) => {
  const link = encodePermalink(buildPayload(image, null, fixtures.attribution()));
  const heldOutR = fixtures.attribution().fit.heldOutR!;
  await page.goto("/");
  await expectUsable(page);
  // A fault only the attribution panel meets: formatting the fit's held-out r throws.
  await page.evaluate((value) => {
    const original = Number.prototype.toFixed;
    (window as unknown as { restoreToFixed: () => void }).restoreToFixed = () => {
      Number.prototype.toFixed = original;
    };
    Number.prototype.toFixed = function (this: number, digits?: number) {
      if (Number(this) === value) throw new Error("injected fault");
      return original.call(this, digits);
    };
  }, heldOutR);
  await page.evaluate((hash) => (window.location.hash = hash), link);
  const failed = page.getByRole("alert", { name: "Attribution failed" });
  await expect(failed).toContainText("This panel failed: injected fault");
  await expectUsable(page);
  await expect(page.getByRole("heading", { name: "Share" })).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.location.hash)).toBe("");
  // Once the fault is gone, "Try again" draws the panel again.
  await page.evaluate(() => (window as unknown as { restoreToFixed: () => void }).restoreToFixed());
  await failed.getByRole("button", { name: "Try again" }).click();
  await expect(failed).toHaveCount(0);
  await expect(page.getByTestId("held-out-r")).toHaveText(heldOutR.toFixed(4));
});
