/** The engine's front door on the bundled model: answers, ablations, attribution runs. */
import { beforeAll, describe, expect, it } from "vitest";
import { Headflow, type NamedImage } from "./headflow";
import { solidImage } from "./model/image";
import { loadBundleNode, nodeImageDecoder } from "./node";
import { AttributionResultSchema } from "./results/attribution-results";
import { ask } from "./analyses/ask";
import { ablate } from "./analyses/ablate";
import { attribute } from "./analyses/attribute";

let headflow: Headflow;
const image: NamedImage = { ...solidImage(64, [40, 160, 220]), name: "blue.png" };
const blank = { kind: "blank" } as const;

beforeAll(async () => {
  headflow = new Headflow(
    await loadBundleNode("public/models/emoji-vlm"),
    nodeImageDecoder,
    "test",
  );
});

describe("Headflow", () => {
  it("answers with top-k first-token probabilities, best first", async () => {
    const result = await ask(headflow, image, { top: 4 });
    const probabilities = result.top.map((t) => t.probability);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9);
    expect(result.answerTokens[0]).toBe(result.top[0]!.token);
  });

  it("ablating no head leaves the target unchanged; the result names heads L.H", async () => {
    const none = await ablate(headflow, image, { heads: [], baseline: blank });
    expect(none.ablated.target).toBe(none.clean.target);
    const some = await ablate(headflow, image, { heads: [{ layer: 7, head: 3 }], baseline: blank });
    expect(some.heads).toEqual(["7.3"]);
    expect(some.clean.target).toBe(none.clean.target);
    // A head of a larger model (e.g. from another model's link) is refused, not ignored.
    await expect(
      ablate(headflow, image, { heads: [{ layer: 12, head: 3 }], baseline: blank }),
    ).rejects.toThrow("head 12.3 does not exist: the model has layers 0..7 and heads 0..7");
  });

  it("gives the same scores for the same seed, streams partial fits, validates its JSON", async () => {
    const settings = { samples: 96, batchSize: 16, seed: 5 };
    let partials = 0;
    const a = await attribute(headflow, image, {
      baseline: blank,
      settings,
      onProgress: (p) => void (p.partial && partials++),
    });
    const b = await attribute(headflow, image, { baseline: blank, settings });
    expect(a.scores).toEqual(b.scores);
    expect(partials).toBeGreaterThan(0);
    expect(AttributionResultSchema.parse(JSON.parse(JSON.stringify(a)))).toBeTruthy();
    const c = await attribute(headflow, image, {
      baseline: blank,
      settings: { ...settings, seed: 6 },
    });
    expect(c.scores).not.toEqual(a.scores);
  });

  it("warms up the mean baseline for every question, without changing any result", async () => {
    const bundle = headflow.bundle;
    let decoded = 0;
    const countingDecoder: typeof nodeImageDecoder = (bytes, name) => {
      decoded++;
      return nodeImageDecoder(bytes, name);
    };
    const warm = new Headflow(bundle, countingDecoder, "test");
    const references = bundle.manifest.reference.length;
    expect(references).toBeGreaterThan(0);
    expect((await warm.warmUp(8)).baseline).toBe("mean");
    expect(decoded).toBe(references);
    const settings = { samples: 64, batchSize: 16, seed: 2 };
    // Another question shares the warmed baseline (the image comes before the question).
    const [object, color] = bundle.manifest.questions.slice(0, 2).map((q) => q.template);
    const a = await attribute(warm, image, { settings, question: object! });
    await attribute(warm, image, { settings, question: color! });
    expect(decoded).toBe(references);
    const cold = await attribute(new Headflow(bundle, nodeImageDecoder, "test"), image, {
      settings,
      question: object!,
    });
    expect(a.baseline).toBe("mean");
    expect(a.scores).toEqual(cold.scores);
  });

  it("stops an attribution when its signal aborts", async () => {
    const controller = new AbortController();
    const run = attribute(headflow, image, {
      baseline: blank,
      settings: { samples: 640, batchSize: 16 },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 32) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
  });
});
