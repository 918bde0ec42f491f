/** SerialSession: model runs one at a time, in call order, whatever each run's outcome. */
import { describe, expect, it } from "vitest";
import { SerialSession } from "./serial-session";
import type { VlmSession } from "./session";

/** A fake session whose runs take `ms` and record when they start and end. */
function recordingSession(log: string[], failing: Set<string> = new Set()): VlmSession {
  let running = 0;
  const run = async (name: string, ms: number) => {
    running++;
    log.push(`start ${name}${running > 1 ? " (overlap)" : ""}`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    running--;
    log.push(`end ${name}`);
    if (failing.has(name)) throw new Error(`${name} failed`);
  };
  return {
    dims: { layers: 1, heads: 1, headDim: 1, hiddenSize: 1, vocabSize: 1, imageSize: 1 },
    encodeImage: async () => (await run("encode", 15), new Float32Array(1)),
    embed: async () => (await run("embed", 1), new Float32Array(2)),
    decode: async () => (await run("decode", 5), { logits: new Float32Array(3) }),
    decodeAnalysis: async () => (await run("analysis", 1), { logits: new Float32Array(4) }),
    release: () => run("release", 1),
  } as unknown as VlmSession;
}

describe("SerialSession", () => {
  it("runs calls made at once one after the other, in call order", async () => {
    const log: string[] = [];
    const session = new SerialSession(recordingSession(log));
    const results = await Promise.all([
      session.encodeImage(new Float32Array(1), 1),
      session.decode({ batch: 1, length: 1, embeds: new Float32Array(1), logits: "last" }),
      session.embed([1]),
      session.decodeAnalysis({ batch: 1, length: 1, embeds: new Float32Array(1), logits: "last" }),
    ]);
    expect(log).toEqual([
      "start encode",
      "end encode",
      "start decode",
      "end decode",
      "start embed",
      "end embed",
      "start analysis",
      "end analysis",
    ]);
    expect(results.map((r) => ("logits" in r ? r.logits.length : r.length))).toEqual([1, 3, 2, 4]);
  });

  it("goes on after a failed run, and the failure reaches its own caller only", async () => {
    const log: string[] = [];
    const session = new SerialSession(recordingSession(log, new Set(["encode"])));
    const failed = session.encodeImage(new Float32Array(1), 1);
    const next = session.embed([1]);
    await expect(failed).rejects.toThrow("encode failed");
    await expect(next).resolves.toHaveLength(2);
    expect(log).toEqual(["start encode", "end encode", "start embed", "end embed"]);
  });

  it("without it, the same calls overlap (the fake can tell)", async () => {
    const log: string[] = [];
    const bare = recordingSession(log);
    await Promise.all([bare.encodeImage(new Float32Array(1), 1), bare.embed([1])]);
    expect(log).toContain("start embed (overlap)");
  });
});
