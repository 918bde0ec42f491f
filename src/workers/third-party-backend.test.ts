import { describe, expect, it } from "vitest";
import { openOnBackend, WEBGPU_NOTE, type BackendSteps } from "./third-party-backend";
import type { BackendName } from "./backend-choice";

/** Fake steps that record the order of calls; `fail` says which step throws. */
function steps(fail: { open?: BackendName; selfTest?: boolean } = {}) {
  const calls: string[] = [];
  const fake: BackendSteps<string> = {
    open: (on) => {
      calls.push(`open ${on}`);
      return on === fail.open ? Promise.reject(new Error(`no ${on} kernel`)) : Promise.resolve(on);
    },
    selfTest: (model) => {
      calls.push(`self-test ${model}`);
      return fail.selfTest ? Promise.reject(new Error("non-finite logits")) : Promise.resolve();
    },
    release: (model) => {
      calls.push(`release ${model}`);
      return Promise.resolve();
    },
    describe: (error) => (error instanceof Error ? error.message : String(error)),
  };
  return { calls, fake };
}

describe("openOnBackend", () => {
  it("opens on wasm alone when wasm is the bundled model's backend", async () => {
    const { calls, fake } = steps();
    const opened = await openOnBackend("wasm", fake);
    expect(opened).toEqual({ model: "wasm", backend: "wasm", note: "Runs on wasm." });
    expect(calls).toEqual(["open wasm"]);
  });

  it("keeps WebGPU when the model opens and passes its self-test there", async () => {
    const { calls, fake } = steps();
    const opened = await openOnBackend("webgpu", fake);
    expect(opened).toEqual({ model: "webgpu", backend: "webgpu", note: WEBGPU_NOTE });
    expect(calls).toEqual(["open webgpu", "self-test webgpu"]);
  });

  it("falls back to wasm with the reason when WebGPU does not open", async () => {
    const { calls, fake } = steps({ open: "webgpu" });
    const opened = await openOnBackend("webgpu", fake);
    expect(opened.backend).toBe("wasm");
    expect(opened.note).toBe(
      "Runs on wasm: WebGPU was chosen for this browser, but it did not open there: no webgpu kernel",
    );
    expect(calls).toEqual(["open webgpu", "open wasm"]);
  });

  it("releases the WebGPU model and falls back when its self-test fails", async () => {
    const { calls, fake } = steps({ selfTest: true });
    const opened = await openOnBackend("webgpu", fake);
    expect(opened.backend).toBe("wasm");
    expect(opened.note).toContain("its self-test failed: non-finite logits");
    expect(calls).toEqual(["open webgpu", "self-test webgpu", "release webgpu", "open wasm"]);
  });

  it("does not retry on wasm when the load was cancelled", async () => {
    const { calls, fake } = steps({ open: "webgpu" });
    const controller = new AbortController();
    controller.abort();
    await expect(openOnBackend("webgpu", fake, controller.signal)).rejects.toThrow("no webgpu");
    expect(calls).toEqual(["open webgpu"]);
  });
});
