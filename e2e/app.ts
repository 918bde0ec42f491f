/** What several specs do in the app the same way. */
import { expect, test, type Page } from "@playwright/test";

/**
 * Skips the test outside the wasm project: here the WebGPU one runs on SwiftShader, a
 * software adapter far slower than wasm, so logic that does not depend on the backend is
 * checked once.
 */
export function wasmOnly(
  project: string,
  why = "backend-independent UI logic: checked once, on wasm",
): void {
  test.skip(project !== "wasm", why);
}

/**
 * Where a test opens the app: the WebGPU project asks for WebGPU explicitly, because the
 * app's default on a software adapter such as SwiftShader is wasm.
 */
export function appStart(project: string): string {
  return project === "webgpu" ? "/?backend=webgpu" : "/";
}

/** Gives the app an image file through the "Image" input and waits for the answer. */
export async function chooseImageFile(page: Page, buffer: Buffer, name = "sample-00.png") {
  await page.getByLabel("Image", { exact: true }).setInputFiles({
    name,
    mimeType: "image/png",
    buffer,
  });
  await expect(page.getByRole("region", { name: "Answer" })).toContainText("Answer:");
}
