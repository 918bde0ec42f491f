import { describe, expect, it } from "vitest";
import { DEFAULT_DECODE_PEERS, decodePeerCount, ownedRequest } from "./decode-peers";
import type { DecodeRequest } from "../engine";

describe("decodePeerCount", () => {
  it("starts the peers asked for that the cores hold beside the worker, on wasm only", () => {
    expect(decodePeerCount(0, 8, 1, "wasm")).toBe(0);
    expect(decodePeerCount(1, 2, 1, "wasm")).toBe(1);
    expect(decodePeerCount(2, 2, 1, "wasm")).toBe(1);
    expect(decodePeerCount(1, 1, 1, "wasm")).toBe(0);
    expect(decodePeerCount(3, 8, 2, "wasm")).toBe(3);
    expect(decodePeerCount(1, 6, 4, "wasm")).toBe(0);
    expect(decodePeerCount(1, 8, 1, "webgpu")).toBe(0);
    expect(decodePeerCount(1, 2, 0, "wasm")).toBe(1);
  });

  it("by default gives a 2-core machine the one peer that was measured to pay", () => {
    expect(decodePeerCount(DEFAULT_DECODE_PEERS, 2, 1, "wasm")).toBe(1);
    expect(decodePeerCount(DEFAULT_DECODE_PEERS, 16, 1, "wasm")).toBe(DEFAULT_DECODE_PEERS);
    expect(decodePeerCount(DEFAULT_DECODE_PEERS, 2, 2, "wasm")).toBe(0);
  });
});

describe("ownedRequest", () => {
  it("copies the views into buffers of their own, each listed once for transfer", () => {
    const whole = new Float32Array(12).map((_, i) => i);
    const layer = new Float32Array(20).map((_, i) => 100 + i);
    const request: DecodeRequest = {
      embeds: whole.subarray(4, 8),
      batch: 2,
      length: 1,
      logits: "last",
      positions: [5],
      past: {
        batch: 2,
        heads: 1,
        length: 5,
        headDim: 1,
        keys: [layer.subarray(10, 20)],
        values: [layer.subarray(0, 10)],
      },
    };
    const { request: owned, buffers } = ownedRequest(request);
    expect([...owned.embeds]).toEqual([4, 5, 6, 7]);
    expect(owned.embeds.buffer.byteLength).toBe(4 * 4);
    expect([...owned.past!.keys[0]!]).toEqual([...layer.slice(10, 20)]);
    expect([...owned.past!.values[0]!]).toEqual([...layer.slice(0, 10)]);
    expect(buffers).toHaveLength(3);
    expect(new Set(buffers).size).toBe(3);
    expect(buffers).not.toContain(whole.buffer);
    expect(buffers).not.toContain(layer.buffer);
    // The caller's arrays are untouched (the runner reuses them).
    expect(request.embeds.buffer).toBe(whole.buffer);
    expect(owned.positions).toEqual([5]);
    expect(owned.batch).toBe(2);
  });
});
