import { describe, expect, it } from "vitest";
import { isHeldOut, sampleMasks } from "./masks";
import { mulberry32 } from "../math/random";

describe("mask sampling", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const a = sampleMasks(50, 64, 0.1, 42);
    const b = sampleMasks(50, 64, 0.1, 42);
    const c = sampleMasks(50, 64, 0.1, 43);
    expect(a.bits).toEqual(b.bits);
    expect(a.bits).not.toEqual(c.bits);
  });

  it("ablates each head with probability alpha", () => {
    const masks = sampleMasks(2000, 64, 0.15, 1);
    const rate = masks.bits.reduce((s, x) => s + x, 0) / masks.bits.length;
    expect(rate).toBeGreaterThan(0.14);
    expect(rate).toBeLessThan(0.16);
  });

  it("pins the generator's stream (the Python reference ports it)", () => {
    const random = mulberry32(42);
    const first = [random(), random(), random()].map((x) => Math.round(x * 2 ** 32));
    expect(first).toEqual([2581720956, 1925393290, 3661312704]);
  });

  it("holds out the requested fraction, spread through the sequence", () => {
    const held = Array.from({ length: 100 }, (_, i) => isHeldOut(i, 0.15));
    expect(held.filter(Boolean).length).toBe(15);
    expect(held.slice(0, 20).filter(Boolean).length).toBeGreaterThanOrEqual(2);
  });
});
