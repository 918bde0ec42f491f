import { describe, expect, it } from "vitest";
import { PeerStaging, canShareMemory } from "./peer-staging";
import type { DecodeRequest } from "../engine";

/** A request over 3 layers whose every value is distinct, as views into larger buffers. */
function request(fromLayer?: number): DecodeRequest {
  const counter = { next: 0 };
  const values = (n: number) =>
    new Float32Array(n + 4).map(() => counter.next++).subarray(2, n + 2);
  const layer = () => values(2 * 1 * 3 * 2);
  return {
    embeds: values(2 * 3 * 4),
    batch: 2,
    length: 3,
    logits: "last",
    positions: [3, 4, 5],
    past: {
      batch: 2,
      heads: 1,
      length: 3,
      headDim: 2,
      keys: [layer(), layer(), layer()],
      values: [layer(), layer(), layer()],
    },
    ...(fromLayer === undefined ? {} : { fromLayer }),
  };
}

describe("PeerStaging", () => {
  it("copies every array a whole-decoder request reads into one shared buffer", () => {
    const original = request();
    const staged = new PeerStaging().stage(original);
    const arrays = [staged.embeds, ...staged.past!.keys, ...staged.past!.values];
    for (const array of arrays) expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(new Set(arrays.map((a) => a.buffer)).size).toBe(1);
    expect([...staged.embeds]).toEqual([...original.embeds]);
    for (let l = 0; l < 3; l++) {
      expect([...staged.past!.keys[l]!]).toEqual([...original.past!.keys[l]!]);
      expect([...staged.past!.values[l]!]).toEqual([...original.past!.values[l]!]);
    }
    expect(staged.positions).toEqual([3, 4, 5]);
    expect(staged.batch).toBe(2);
    // The caller's arrays are untouched (the runner reuses them).
    expect(original.embeds.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it("copies only the layers an entered request reads; the ones below keep their shape", () => {
    const original = request(2);
    const staged = new PeerStaging().stage(original);
    expect([...staged.past!.keys[2]!]).toEqual([...original.past!.keys[2]!]);
    expect([...staged.past!.values[2]!]).toEqual([...original.past!.values[2]!]);
    for (let l = 0; l < 2; l++) {
      expect(staged.past!.keys[l]!.length).toBe(original.past!.keys[l]!.length);
      expect(staged.past!.values[l]!.length).toBe(original.past!.values[l]!.length);
    }
    expect(staged.fromLayer).toBe(2);
    const used = staged.embeds.length + 2 * staged.past!.keys[2]!.length;
    expect(staged.embeds.buffer.byteLength).toBe(used * 4);
  });

  it("reuses its buffer while requests fit, and grows it when one does not", () => {
    const staging = new PeerStaging();
    const first = staging.stage(request(2));
    const second = staging.stage(request(1));
    expect(second.embeds.buffer).not.toBe(first.embeds.buffer);
    const third = staging.stage(request(2));
    expect(third.embeds.buffer).toBe(second.embeds.buffer);
    expect([...third.past!.keys[2]!]).toEqual([...request(2).past!.keys[2]!]);
  });

  it("is available in Node, which shares memory between workers", () => {
    expect(canShareMemory()).toBe(true);
  });
});
