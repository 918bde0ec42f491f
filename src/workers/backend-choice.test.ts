import { describe, expect, it } from "vitest";
import { chooseBackend, fallbackAfterSessionError, parseBackendPreference } from "./backend-choice";

describe("chooseBackend", () => {
  const adapter = { apiPresent: true, adapter: "Google SwiftShader" };

  it("prefers WebGPU when an adapter exists", () => {
    expect(chooseBackend("auto", adapter)).toEqual({
      backend: "webgpu",
      reason: "WebGPU adapter: Google SwiftShader",
    });
  });

  it("falls back to wasm and says why", () => {
    expect(chooseBackend("auto", { apiPresent: false, adapter: null }).reason).toMatch(
      /does not expose navigator.gpu/,
    );
    expect(chooseBackend("auto", { apiPresent: true, adapter: null })).toEqual({
      backend: "wasm",
      reason: "WebGPU unavailable: no WebGPU adapter was found",
    });
    expect(
      chooseBackend("webgpu", { apiPresent: true, adapter: null, adapterError: "boom" }).reason,
    ).toBe("WebGPU unavailable: requestAdapter() failed: boom");
  });

  it("honours an explicit wasm request even with an adapter", () => {
    expect(chooseBackend("wasm", adapter)).toEqual({
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

describe("parseBackendPreference", () => {
  it("accepts the three preferences and rejects others", () => {
    expect(parseBackendPreference(null)).toBe("auto");
    expect(parseBackendPreference("webgpu")).toBe("webgpu");
    expect(parseBackendPreference("wasm")).toBe("wasm");
    expect(() => parseBackendPreference("<img src=x>")).toThrow(/Unknown backend/);
  });
});
