/**
 * Which onnxruntime-web backend a third-party model runs on. It follows the bundled
 * model's choice (backend-choice.ts): on WebGPU the export is opened there and proven by a
 * self-test run; a session that does not open, a run that fails or gives non-finite
 * numbers sends it back to wasm, which runs every export, with the reason kept for the
 * capability notes. Pure so that the order of tries is tested in Node.
 */
import type { BackendName } from "./backend-choice";

export interface OpenedOn<M> {
  model: M;
  backend: BackendName;
  /** For the capability notes: where it runs, and why not on WebGPU when it fell back. */
  note: string;
}

export interface BackendSteps<M> {
  open(backend: BackendName): Promise<M>;
  /** Throws when the model does not run correctly on its backend. */
  selfTest(model: M): Promise<void>;
  release(model: M): Promise<void>;
  describe(error: unknown): string;
}

export const WEBGPU_NOTE =
  "Runs on WebGPU, as the bundled model does here (onnxruntime-web's webgpu provider; nodes it has no kernel for run on the CPU). A self-test answer on a blank image gave finite logits.";

export async function openOnBackend<M>(
  wanted: BackendName,
  steps: BackendSteps<M>,
  signal?: AbortSignal,
): Promise<OpenedOn<M>> {
  if (wanted === "wasm") {
    return { model: await steps.open("wasm"), backend: "wasm", note: "Runs on wasm." };
  }
  let reason: string;
  try {
    const model = await steps.open("webgpu");
    try {
      await steps.selfTest(model);
      return { model, backend: "webgpu", note: WEBGPU_NOTE };
    } catch (error) {
      await steps.release(model).catch(() => undefined);
      reason = `its self-test failed: ${steps.describe(error)}`;
    }
  } catch (error) {
    // A cancelled download is no backend's fault: nothing to retry.
    if (signal?.aborted) throw error;
    reason = `it did not open there: ${steps.describe(error)}`;
  }
  signal?.throwIfAborted();
  const model = await steps.open("wasm");
  return {
    model,
    backend: "wasm",
    note: `Runs on wasm: WebGPU was chosen for this browser, but ${reason}`,
  };
}
