import { expect, test, type Page } from "@playwright/test";
import { makePng } from "./fixtures/png";

const THUMBNAIL = `data:image/png;base64,${makePng(2, 2, () => [40, 120, 200, 255]).toString("base64")}`;

/** Writes records straight into the history database, as an earlier session would have. */
async function storeRecords(page: Page, records: unknown[]) {
  await page.evaluate(
    (values) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open("headflow");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const transaction = open.result.transaction("analyses", "readwrite");
          for (const value of values) transaction.objectStore("analyses").put(value);
          transaction.oncomplete = () => {
            open.result.close();
            resolve();
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
    records,
  );
}

function record(id: string, title: string, createdAt: number) {
  return {
    id,
    createdAt,
    title,
    thumbnail: THUMBNAIL,
    payload: { schema: "headflow.analysis/1", question: "What is the main object?" },
  };
}

test("saved analyses survive a reload and can be opened and deleted", async ({ page }) => {
  await page.goto("/");
  const history = page.getByRole("region", { name: "History" });
  // The app has created the database once this shows.
  await expect(history).toContainText("No saved analyses yet");

  await storeRecords(page, [
    record("older", "Dog, flat colours", Date.UTC(2026, 0, 1)),
    record("newer", "Cat, watercolour", Date.UTC(2026, 0, 2)),
    { ...record("hostile", "Hostile", 3), thumbnail: "javascript:alert(1)" },
  ]);
  await page.reload();

  const titles = history.locator(".history-title");
  await expect(titles).toHaveText(["Cat, watercolour", "Dog, flat colours"]);
  await expect(history).toContainText("1 saved analysis could not be read");

  // Opening goes through the permalink decoder: this stored record has no model, image or answer, so
  // it is refused with the decoder's reason and its link leaves the address bar.
  await history.getByRole("button", { name: "Open Cat, watercolour" }).click();
  await expect(page.getByRole("alert", { name: "Permalink problem" })).toContainText(
    /This permalink is damaged: its content is invalid: modelId/,
  );
  await expect.poll(() => page.evaluate(() => window.location.hash)).toBe("");

  await history.getByRole("button", { name: "Delete Dog, flat colours" }).click();
  await expect(titles).toHaveText(["Cat, watercolour"]);
  await page.reload();
  await expect(titles).toHaveText(["Cat, watercolour"]);
});

test("a title is shown as text, never as markup", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("region", { name: "History" })).toContainText("No saved analyses");
  const title = "<img src=x onerror=\"document.title='pwned'\">";
  await storeRecords(page, [record("x", title, 1)]);
  await page.reload();
  await expect(page.getByRole("button", { name: `Delete ${title}` })).toBeVisible();
  expect(await page.title()).not.toBe("pwned");
  await expect(page.locator(".history-title img")).toHaveCount(0);
});
