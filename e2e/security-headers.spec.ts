/**
 * The served app carries its security headers (Content-Security-Policy with no
 * 'unsafe-eval', nosniff, no referrer, no framing) and runs under them: an ask, an
 * attribution and a permalink decode raise no policy violation, in the page or in a
 * worker. Violations are caught three ways: the page's securitypolicyviolation events,
 * console messages (workers' included), and Chromium's own CSP issue reports (CDP).
 */
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { SECURITY_HEADERS } from "../vite.config";
import { chooseImageFile, wasmOnly } from "./app";

const SAMPLE = readFileSync("public/samples/sample-00.png");

test.beforeEach(({ page: _page }, testInfo) => {
  wasmOnly(testInfo.project.name, "headers and the policy do not depend on the backend");
});

/** Starts recording every CSP violation the page and its workers report. */
async function recordViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction("__reportViolation", (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { __reportViolation(text: string): void })
        .__reportViolation;
      report(`${event.violatedDirective} blocked ${event.blockedURI} (${event.sourceFile})`);
    });
  });
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) {
      violations.push(`console: ${message.text()}`);
    }
  });
  const cdp = await page.context().newCDPSession(page);
  cdp.on("Audits.issueAdded", ({ issue }) => {
    if (issue.code === "ContentSecurityPolicyIssue") {
      violations.push(`issue: ${JSON.stringify(issue.details.contentSecurityPolicyIssueDetails)}`);
    }
  });
  await cdp.send("Audits.enable");
  return violations;
}

test("every response carries the security headers", async ({ page, request }) => {
  const response = await page.goto("/");
  const headers = response!.headers();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    expect(headers[name.toLowerCase()], name).toBe(value);
  }
  const csp = headers["content-security-policy"]!;
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("'unsafe-eval'");
  expect(csp).not.toContain("'unsafe-inline'");
  // Scripts, workers and the wasm runtime carry them too (workers take their own policy).
  const scripts = await page
    .locator("script[src]")
    .evaluateAll((nodes) => nodes.map((node) => (node as HTMLScriptElement).src));
  expect(scripts.length).toBeGreaterThan(0);
  for (const url of scripts) {
    const asset = await request.get(url);
    expect(asset.headers()["content-security-policy"]).toBe(csp);
    expect(asset.headers()["x-content-type-options"]).toBe("nosniff");
  }
  // The built page also holds the policy as a <meta> for hosts that send no headers.
  const meta = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute("content");
  expect(meta).toContain("script-src 'self' 'wasm-unsafe-eval'");
});

test("the page refuses to be framed", async ({ page }) => {
  await page.goto("/");
  const blocked: string[] = [];
  page.on("console", (message) => {
    if (/frame-ancestors/.test(message.text())) blocked.push(message.text());
  });
  await page.setContent(`<iframe src="${page.url()}" title="framed"></iframe>`);
  await expect.poll(() => blocked.length, { timeout: 10_000 }).toBeGreaterThan(0);
  const framed = page.frameLocator("iframe").locator("#root");
  await expect(framed).toHaveCount(0);
});

test("an ask, an attribution and a permalink run with no policy violation", async ({ page }) => {
  test.setTimeout(180_000);
  const violations = await recordViolations(page);
  await page.goto("/");
  await chooseImageFile(page, SAMPLE);
  await page.getByText("Advanced settings").click();
  await page.getByLabel("Samples", { exact: true }).fill("64");
  await page.getByLabel("Baseline").selectOption("blank");
  await page.getByRole("button", { name: "Run attribution" }).click();
  await expect(page.getByTestId("held-out-r")).toBeVisible({ timeout: 110_000 });
  // A permalink round trip: zod parses the decoded payload (jitless under this policy).
  await page.getByRole("button", { name: "Copy permalink" }).click();
  const link = await page.getByRole("textbox", { name: "Permalink" }).inputValue();
  await page.goto("about:blank");
  await page.goto(link);
  await expect(page.getByRole("grid", { name: "Attribution by layer and head" })).toBeVisible({
    timeout: 60_000,
  });
  expect(violations).toEqual([]);
});
