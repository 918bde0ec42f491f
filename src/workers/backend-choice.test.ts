import { describe, expect, it } from "vitest";
import {
  chooseBackend,
  chooseByTiming,
  fallbackAfterSessionError,
  parseBackendPreference,
  softwareAdapterReason,
} from "./backend-choice";

describe("softwareAdapterReason", () => {
  it("recognises Chromium's SwiftShader by its adapter info", () => {
    // What headless Chromium 156 with --enable-unsafe-webgpu reports (e2e/backend.spec.ts).
    expect(softwareAdapterReason({ vendor: "google", architecture: "swiftshader" })).toBe(
      "swiftshader is a software renderer",
    );
  });

  it("trusts the browser's fallback flag whatever the names", () => {
    expect(softwareAdapterReason({ vendor: "acme", isFallbackAdapter: true })).toBe(
      "the browser marks it as a fallback adapter",
    );
  });

  it("recognises other software rasterisers by name, case-insensitively", () => {
    expect(softwareAdapterReason({ description: "llvmpipe (LLVM 15.0.6, 256 bits)" })).toMatch(
      /^llvmpipe/,
    );
    expect(softwareAdapterReason({ device: "Microsoft Basic Render Driver" })).toMatch(
      /^microsoft basic render/,
    );
    expect(softwareAdapterReason({ vendor: "mesa", architecture: "Lavapipe" })).toMatch(
      /^lavapipe/,
    );
  });

  it("leaves hardware adapters alone, including names that merely contain a renderer's", () => {
    expect(softwareAdapterReason({ vendor: "nvidia", architecture: "ampere" })).toBeNull();
    expect(softwareAdapterReason({ vendor: "apple", architecture: "metal-3" })).toBeNull();
    expect(
      softwareAdapterReason({ description: "Warpdrive 9000", isFallbackAdapter: false }),
    ).toBeNull();
    expect(softwareAdapterReason({})).toBeNull();
  });
});

describe("chooseBackend", () => {
  const hardware = { apiPresent: true, adapter: "nvidia ampere" };
  const software = {
    apiPresent: true,
    adapter: "google swiftshader",
    software: "swiftshader is a software renderer",
  };

  it("measures before choosing between wasm and a hardware adapter", () => {
    expect(chooseBackend("auto", hardware)).toEqual({
      backend: "measure",
      adapter: "nvidia ampere",
    });
  });

  it("uses wasm by default on a software adapter, and says why", () => {
    const choice = chooseBackend("auto", software);
    expect(choice.backend).toBe("wasm");
    expect("reason" in choice && choice.reason).toBe(
      "the only WebGPU adapter (google swiftshader) runs on the CPU: swiftshader is a software renderer, much slower than wasm; ?backend=webgpu forces it",
    );
  });

  it("honours an explicit WebGPU request, on a software adapter too", () => {
    expect(chooseBackend("webgpu", software)).toEqual({
      backend: "webgpu",
      reason:
        "WebGPU was requested; adapter: google swiftshader (software adapter: swiftshader is a software renderer)",
    });
    expect(chooseBackend("webgpu", hardware)).toEqual({
      backend: "webgpu",
      reason: "WebGPU was requested; adapter: nvidia ampere",
    });
  });

  it("falls back to wasm and says why", () => {
    expect(chooseBackend("auto", { apiPresent: false, adapter: null })).toEqual({
      backend: "wasm",
      reason: "WebGPU unavailable: this browser does not expose navigator.gpu",
    });
    expect(chooseBackend("auto", { apiPresent: true, adapter: null })).toEqual({
      backend: "wasm",
      reason: "WebGPU unavailable: no WebGPU adapter was found",
    });
    expect(
      chooseBackend("webgpu", { apiPresent: true, adapter: null, adapterError: "boom" }),
    ).toEqual({
      backend: "wasm",
      reason: "WebGPU unavailable: requestAdapter() failed: boom",
    });
  });

  it("honours an explicit wasm request even with an adapter", () => {
    expect(chooseBackend("wasm", hardware)).toEqual({
      backend: "wasm",
      reason: "wasm was requested",
    });
  });

  it("reports a failed WebGPU session as a fallback", () => {
    expect(fallbackAfterSessionError(new Error("no shader-f16"))).toEqual({
      backend: "wasm",
      reason: "WebGPU session failed: no shader-f16",
    });
  });
});

describe("chooseByTiming", () => {
  it("takes the faster backend and states both times", () => {
    expect(chooseByTiming("nvidia ampere", { webgpuMs: 1.25, wasmMs: 9.5, cached: false })).toEqual(
      {
        backend: "webgpu",
        reason:
          "a probe run took 1.3 ms on WebGPU (nvidia ampere) and 9.5 ms on wasm (measured now)",
      },
    );
    expect(chooseByTiming("intel gen-9", { webgpuMs: 30, wasmMs: 12, cached: true })).toEqual({
      backend: "wasm",
      reason:
        "a probe run took 30.0 ms on WebGPU (intel gen-9) and 12.0 ms on wasm (measured at an earlier load)",
    });
  });

  it("keeps wasm on a tie", () => {
    expect(chooseByTiming("a", { webgpuMs: 5, wasmMs: 5, cached: false }).backend).toBe("wasm");
  });

  it("refuses a time that is not a measurement", () => {
    expect(() => chooseByTiming("a", { webgpuMs: Number.NaN, wasmMs: 5, cached: false })).toThrow(
      /finite number of ms/,
    );
    expect(() => chooseByTiming("a", { webgpuMs: 1, wasmMs: -2, cached: false })).toThrow(/got -2/);
  });
});

describe("parseBackendPreference", () => {
  it("accepts the three preferences and rejects others", () => {
    expect(parseBackendPreference(null)).toBe("auto");
    expect(parseBackendPreference("webgpu")).toBe("webgpu");
    expect(parseBackendPreference("wasm")).toBe("wasm");
    expect(() => parseBackendPreference("<img src=x>")).toThrow(/Unknown backend/);
  });
});
