/**
 * The toy model keeps the engine's semantics: cache reuse equals a whole-prompt run,
 * head ablation by cache splicing (AblationRunner) equals E's independent whole-sequence
 * substitution, and a knockout batch that starts at the prefix equals the cached path.
 */
import { describe, expect, it } from "vitest";
import { KnockoutRunner } from "../analyses/flow/knockout";
import { sliceImageKv } from "../model/kv";
import { sampleMasks, maskRow } from "../attribution/masks";
import { prefill, prefillImages } from "../model/prefill";
import { AblationRunner } from "../ablation/runner";
import { wholeSequenceAblation } from "../ablation/whole-sequence";
import { ANSWER, DIM, toyModel, toyPixels, toyPrompt } from "./toy-fixtures";
import { ToySession } from "./toy-session";

/** Every head does something: varied queries, keys, values and readouts. */
function busyToy(): ToySession {
  return new ToySession(
    toyModel((heads) => {
      heads.forEach((layer, l) =>
        layer.forEach((head, h) => {
          head.query[DIM.role]![0] = 1 + l;
          head.query[DIM.one]![1] = h - 1.5;
          head.key[DIM.image]![0] = 2 - h;
          head.key[DIM.question]![1] = l - 1;
          head.value[DIM.brightness]![0] = 1 + h;
          head.value[DIM.question]![1] = 0.5 * l;
          head.readout[0]![ANSWER] = 1 + l - h;
          head.readout[1]![(l + h) % 16] = 0.7;
        }),
      );
    }),
  );
}

describe("toy session", () => {
  const prompt = toyPrompt();
  const pixels = toyPixels([0.9, 0.1, 0.4, 0.7]);
  const dark = toyPixels([0.2, 0.2, 0.2, 0.2]);

  it("ablation by cache splicing equals whole-sequence substitution", async () => {
    const toy = busyToy();
    const baseline = sliceImageKv(await prefillImages(toy, prompt, dark, 1), 2, 6);
    const runner = new AblationRunner(toy, await prefill(toy, prompt, pixels), baseline);
    const masks = sampleMasks(6, 16, 0.4, 9);
    const spliced = await runner.run(masks.bits, masks.count, { batchSize: 4 });
    const rows = Array.from({ length: masks.count }, (_, i) => maskRow(masks, i));
    const whole = await wholeSequenceAblation(toy, prompt, pixels, dark, rows);
    expect(spliced.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(spliced[i]).toBeCloseTo(whole[i]!, 5);
  });

  it("a knockout batch starting at the prefix equals the cached path", async () => {
    const toy = busyToy();
    const runner = await KnockoutRunner.create(toy, await prefill(toy, prompt, pixels), pixels);
    const text = { sources: [2, 3, 6], targets: [9, 10], layers: [1, 2] };
    const image = { sources: [0], targets: [3, 4], layers: [0] };
    const cached = await runner.run([text]);
    const fromPrefix = (await runner.run([image, text], { batchSize: 2 })).subarray(16);
    for (let v = 0; v < 16; v++) expect(fromPrefix[v]).toBeCloseTo(cached[v]!, 6);
    const clean = await runner.run([{ sources: [], targets: [], layers: [] }]);
    expect(Math.abs(cached[ANSWER]! - clean[ANSWER]!)).toBeGreaterThan(1e-3);
  });
});
