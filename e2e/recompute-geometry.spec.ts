/**
 * "Recompute and compare" on a link whose attribution has another shape (layers x heads)
 * than the loaded model: refused with the reason, before any model work, instead of a
 * head-by-head difference that would mean nothing.
 */
import { expect, test } from "@playwright/test";
import { buildPayload } from "../src/store/analysis-payload";
import { encodePermalink } from "../src/store/permalink/codec";
import * as fixtures from "../src/store/testing/analysis-fixtures";
import { wasmOnly } from "./app";

test.beforeEach(({ page: _page }, testInfo) => {
  wasmOnly(testInfo.project.name);
});

test("a link's attribution of another shape than the loaded model is not recomputed", async ({
  page,
}) => {
  // The bundled model has 8 layers x 8 heads; this attribution, of another model, 4 x 2.
  const payload = buildPayload(fixtures.modelImage(), null, fixtures.attribution());
  const scores = Array.from({ length: 4 }, (_, l) => Array.from({ length: 2 }, (_, h) => l - h));
  const link = encodePermalink({
    ...payload,
    attribution: {
      ...payload.attribution!,
      model: { ...fixtures.model, id: "other-vlm", layers: 4, heads: 2 },
      layers: 4,
      heads: 2,
      scores,
    },
  });
  await page.goto(`/${link}`);
  await expect(page.getByRole("status", { name: "Backend" })).toHaveAttribute(
    "data-backend",
    /^(wasm|webgpu)$/,
  );
  await expect(
    page.getByRole("grid", { name: "Attribution by layer and head" }).getByRole("gridcell"),
  ).toHaveCount(8);
  await page.getByRole("button", { name: "Recompute and compare" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Cannot recompute" })).toContainText(
    "computed on other-vlm with 4 layers x 2 heads, but the loaded model (emoji-vlm) has 8 layers x 8 heads",
  );
  await expect(page.getByRole("status", { name: "Comparison" })).toHaveCount(0);
});
