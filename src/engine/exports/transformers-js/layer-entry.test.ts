/**
 * Layer entry on third-party exports (entry-decoders.ts): for each fixture family the same
 * masks and the same attribution give the same results with layer entry as through the
 * whole decoder, and entering at any layer with the clean residual stream gives the whole
 * decoder's final-position logits, while entering with a wrong stream does not (so the
 * comparisons can fail). fp16 (tiny-llava's float16 variant) is held to one float16 step
 * at the logits' scale, float32 to 1e-5.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attribute } from "../../analyses/attribute";
import { mulberry32 } from "../../math/random";
import { maxOf } from "../../math/extent";
import type { ReadFile } from "../../model/files";
import { folderReader } from "../../node";
import { testImage } from "./fixture-inputs";
import { maxAbsDiff } from "./max-abs-diff";
import { fixtureFolder, openFixture, tinyLlavaWithFp16 } from "./open-fixture";
import type { ThirdPartyHeadflow } from "./third-party-headflow";

const FAMILIES: { name: string; read: () => ReadFile; dtype?: string }[] = [
  ...["tiny-llava", "tiny-smolvlm", "tiny-qwen2vl", "tiny-llava-onevision"].map((name) => ({
    name,
    read: () => folderReader(fixtureFolder(name)),
  })),
  { name: "tiny-llava fp16", read: tinyLlavaWithFp16, dtype: "fp16" },
];

/** One float16 step (2^-10 of the binade) at the largest magnitude in `values`. */
const halfStep = (values: ArrayLike<number>) =>
  2 ** (Math.floor(Math.log2(maxOf(Array.from(values, Math.abs)))) - 10);

describe.each(FAMILIES)("layer entry on $name", ({ name, read, dtype }) => {
  /** Every layer has an entry graph (no memory budget). */
  let entered: ThirdPartyHeadflow;
  /** The default budget: only some layers have one (entry-layers.ts). */
  let budgeted: ThirdPartyHeadflow;
  let whole: ThirdPartyHeadflow;
  const load = (layerEntry: boolean, entryBudgetBytes?: number) =>
    openFixture(read(), {
      id: name,
      runtime: "onnxruntime-node (cpu)",
      layerEntry,
      ...(entryBudgetBytes !== undefined ? { entryBudgetBytes } : {}),
      ...(dtype ? { dtype } : {}),
    });
  beforeAll(async () => {
    [entered, budgeted, whole] = [await load(true, Infinity), await load(true), await load(false)];
  });
  afterAll(async () => {
    for (const model of [entered, budgeted, whole]) await model.bundle.session.release();
  });
  const image = () => {
    const size = entered.bundle.manifest.image.size;
    return testImage(size, size);
  };
  const tolerance = (clean: ArrayLike<number>) => (dtype ? halfStep(clean) : 1e-5);

  it("ablates every mask as the whole decoder does, with an entry graph at every layer or at some", async () => {
    const runners = await Promise.all(
      [entered, budgeted, whole].map((m) => m.runner(image(), m.prompt(), { kind: "blank" })),
    );
    expect(await runners[0]!.entersLayers()).toBe(true);
    expect(await runners[1]!.entersLayers()).toBe(true);
    expect(await runners[2]!.entersLayers()).toBe(false);
    const { layers } = entered.bundle.session.dims;
    expect(entered.thirdParty.session.entryLayers).toEqual([...Array(layers).keys()]);
    // The default budget (the decoder's bytes) holds some entry graphs, not all.
    const some = budgeted.thirdParty.session.entryLayers;
    expect(some.length).toBeGreaterThan(0);
    expect(some.length).toBeLessThan(layers);
    const size = runners[0]!.maskSize;
    const random = mulberry32(7);
    const count = 40;
    const masks = Uint8Array.from({ length: count * size }, () => (random() < 0.15 ? 1 : 0));
    masks.fill(0, 0, size); // a clean row
    const [got, gotBudgeted, want] = await Promise.all(
      runners.map((r) => r.run(masks, count, { batchSize: 6 })),
    );
    const vocab = entered.bundle.session.dims.vocabSize;
    const clean = want!.subarray(0, vocab);
    expect(maxAbsDiff(got!, want!)).toBeLessThanOrEqual(tolerance(clean));
    expect(maxAbsDiff(gotBudgeted!, want!)).toBeLessThanOrEqual(tolerance(clean));
    // Not vacuous: the masks move the logits far beyond the tolerance.
    let moved = 0;
    for (let m = 1; m < count; m++)
      moved = Math.max(moved, maxAbsDiff(want!.subarray(m * vocab, (m + 1) * vocab), clean));
    expect(moved).toBeGreaterThan(100 * tolerance(clean));
  });

  it("attributes as the whole decoder does", async () => {
    const settings = { samples: 96, alpha: 0.2, batchSize: 16 };
    const [a, b] = await Promise.all(
      [entered, whole].map((m) => attribute(m, image(), { baseline: { kind: "blank" }, settings })),
    );
    const scores = (r: typeof a) => r!.scores.flat();
    const scale = maxOf(scores(b).map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    expect(maxAbsDiff(scores(a), scores(b))).toBeLessThanOrEqual(dtype ? scale * 2 ** -8 : 1e-5);
  });

  it("entered at each layer with the clean stream gives the clean final logits; a wrong stream does not", async () => {
    const session = entered.thirdParty.session;
    const runner = await entered.runner(image(), entered.prompt(), { kind: "blank" });
    const { prefilled } = runner;
    const { layers } = session.dims;
    const request = {
      embeds: prefilled.suffixEmbeds,
      batch: 1,
      length: prefilled.suffixLength,
      past: prefilled.cache,
      logits: "last" as const,
    };
    const full = await session.decode(request);
    const { residuals, logits } = await session.decode({ ...request, wantResiduals: true });
    expect(maxAbsDiff(logits, full.logits)).toBeLessThanOrEqual(tolerance(full.logits));
    for (let layer = 0; layer < layers; layer++) {
      const at = await session.decode({ ...request, embeds: residuals![layer]!, fromLayer: layer });
      expect(maxAbsDiff(at.logits, full.logits), `layer ${layer}`).toBeLessThanOrEqual(
        tolerance(full.logits),
      );
      // A wrong stream (each value moved by at most 0.5) is caught.
      const moved = residuals![layer]!.map((v, i) => v + 0.5 * Math.sin(i));
      const wrong = await session.decode({ ...request, embeds: moved, fromLayer: layer });
      expect(maxAbsDiff(wrong.logits, full.logits)).toBeGreaterThan(100 * tolerance(full.logits));
    }
  });
});
