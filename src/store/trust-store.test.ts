/**
 * The trust store with the workers' client faked: the baseline image goes through the
 * decoder and prepareImage and becomes a baseline of its own; a run asks for every chosen
 * baseline with the same settings and keeps what it is of; a bad file leaves the previous
 * choice; a permalink's state is restored as given.
 */
import { describe, expect, it, vi } from "vitest";

// The stores read the page's origin when they load (the bundled model's URL); this runs in
// Node, before the imports below.
vi.hoisted(() => {
  Object.assign(globalThis, { window: { location: { origin: "http://127.0.0.1:4173" } } });
});

import type { AttributionResult, AttributionSettings, RgbaImage } from "../engine";
import type { DecodedImage } from "../workers/decode-image";
import type { DecodeOutcome } from "../workers/image.worker";
import type { AttributeInput, AttributionUpdate } from "../workers/inference-types";
import { openSession } from "./session-store";
import * as fixtures from "./testing/analysis-fixtures";
import { baselineRunOf, createTrustStore, type TrustClient } from "./trust-store";

/** A decoded file whose preview records whether it was released. */
function decoded(name: string, width = 3, height = 2): DecodedImage {
  const preview = {
    closed: false,
    close() {
      this.closed = true;
    },
  };
  return {
    name,
    format: "png",
    width,
    height,
    pixels: new Uint8ClampedArray(width * height * 4).fill(7),
    thumbnail: "data:image/png;base64,AAAA",
    preview: preview as unknown as ImageBitmap,
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((done, fail) => {
    resolve = done;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** The label the engine gives a baseline (`image:<name>` for an image). */
function labelOf(baseline: AttributeInput["baseline"]): string {
  return typeof baseline === "string" ? baseline : `image:${baseline.image.name}`;
}

/**
 * A client whose attribution answers at once with the fixture under the asked baseline
 * (scores shifted per baseline, so the rankings differ), recording every call.
 */
function fakeClient(overrides: Partial<TrustClient> = {}) {
  const calls: { input: AttributeInput; settings: Partial<AttributionSettings> }[] = [];
  const prepared: RgbaImage[] = [];
  const client: TrustClient = {
    ranking: () => Promise.resolve(new Float64Array(64)),
    attribute(input, settings, onUpdate: (update: AttributionUpdate) => void) {
      calls.push({ input, settings });
      onUpdate({ done: 32, total: settings.samples ?? 0 });
      const shift = calls.length;
      const base = fixtures.attribution();
      const result: AttributionResult = {
        ...base,
        baseline: labelOf(input.baseline),
        scores: base.scores.map((row, l) => row.map((s, h) => s + ((l * 8 + h) % (shift + 2)))),
      };
      return { result: Promise.resolve(result), cancel: () => undefined };
    },
    prepareImage(image) {
      prepared.push(image);
      return Promise.resolve({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 4) });
    },
    decode: (_file, name) => Promise.resolve({ ok: true, image: decoded(name) }),
    ...overrides,
  };
  return { client, calls, prepared };
}

function openFixtureSession() {
  const image = fixtures.modelImage();
  openSession({
    image,
    question: fixtures.question,
    settings: {
      samples: 96,
      alpha: 0.05,
      seed: 3,
      baseline: "mean",
      target: "logit",
      stop: "off",
    },
  });
  return image;
}

describe("the baseline image", () => {
  it("is decoded, brought to model resolution, named and chosen as a baseline", async () => {
    const file = decoded("dog <b>.png", 3, 2);
    const { client, prepared } = fakeClient({
      decode: () => Promise.resolve({ ok: true, image: file }),
    });
    const store = createTrustStore(client);
    const choosing = store.getState().chooseBaselineImage(new Blob(["x"]), "dog <b>.png");
    expect(store.getState().baselineImageState).toEqual({
      status: "decoding",
      name: "dog <b>.png",
    });
    await choosing;
    expect(prepared).toEqual([{ width: 3, height: 2, data: file.pixels }]);
    expect((file.preview as unknown as { closed: boolean }).closed).toBe(true);
    expect(store.getState()).toMatchObject({
      baselineImage: { name: "dog <b>.png", width: 64, height: 64 },
      baselineImageState: { status: "idle" },
      baselines: ["mean", "blank", "image"],
    });
  });

  it("keeps the previous choice when a file is refused, and says why", async () => {
    const message = "notes.txt is not an image (expected PNG, JPEG, WebP or GIF).";
    let outcome: DecodeOutcome = { ok: true, image: decoded("cat.png") };
    const store = createTrustStore(fakeClient({ decode: () => Promise.resolve(outcome) }).client);
    await store.getState().chooseBaselineImage(new Blob(["x"]), "cat.png");
    const chosen = store.getState().baselineImage;
    outcome = { ok: false, message };
    await store.getState().chooseBaselineImage(new Blob(["x"]), "notes.txt");
    expect(store.getState()).toMatchObject({
      baselineImage: chosen,
      baselineImageState: { status: "failed", message },
      baselines: ["mean", "blank", "image"],
    });
  });

  it("names the file when the decoder or the inference worker fails", async () => {
    const crashed = createTrustStore(
      fakeClient({ decode: () => Promise.reject(new Error("worker failed to start")) }).client,
    );
    await crashed.getState().chooseBaselineImage(new Blob(["x"]), "a.png");
    expect(crashed.getState().baselineImageState).toEqual({
      status: "failed",
      message: "a.png could not be opened: worker failed to start",
    });
    const unprepared = createTrustStore(
      fakeClient({ prepareImage: () => Promise.reject(new Error("no model")) }).client,
    );
    await unprepared.getState().chooseBaselineImage(new Blob(["x"]), "b.png");
    expect(unprepared.getState().baselineImageState).toEqual({
      status: "failed",
      message: "b.png could not be opened: no model",
    });
    expect(unprepared.getState().baselineImage).toBeNull();
  });

  it("keeps only the latest of two choices", async () => {
    const first = deferred<DecodeOutcome>();
    const store = createTrustStore(
      fakeClient({
        decode: (_file, name) =>
          name === "slow.png" ? first.promise : Promise.resolve({ ok: true, image: decoded(name) }),
      }).client,
    );
    const slow = store.getState().chooseBaselineImage(new Blob(["x"]), "slow.png");
    await store.getState().chooseBaselineImage(new Blob(["x"]), "fast.png");
    first.resolve({ ok: true, image: decoded("slow.png") });
    await slow;
    expect(store.getState().baselineImage?.name).toBe("fast.png");
  });

  it("can be chosen as a baseline only while there is one", async () => {
    const store = createTrustStore(fakeClient().client);
    store.getState().setBaselines(["image", "blank"]);
    expect(store.getState().baselines).toEqual(["blank"]);
    await store.getState().chooseBaselineImage(new Blob(["x"]), "x.png");
    store.getState().setBaselines(["image", "blank"]);
    expect(store.getState().baselines).toEqual(["blank", "image"]);
    store.getState().clearBaselineImage();
    expect(store.getState()).toMatchObject({ baselineImage: null, baselines: ["blank"] });
  });
});

describe("a baseline run", () => {
  it("asks for each baseline with the same settings and compares them", async () => {
    const image = openFixtureSession();
    const { client, calls } = fakeClient();
    const store = createTrustStore(client);
    await store.getState().chooseBaselineImage(new Blob(["x"]), "dog.png");
    await store.getState().runBaselines();

    expect(calls.map((c) => labelOf(c.input.baseline))).toEqual(["mean", "blank", "image:dog.png"]);
    expect(calls.map((c) => c.settings)).toEqual(
      Array(3).fill({ samples: 96, alpha: 0.05, seed: 3 }),
    );
    const imageBaseline = calls[2]!.input.baseline;
    expect(imageBaseline).toEqual({ kind: "image", image: store.getState().baselineImage });
    expect(calls.every((c) => c.input.image === image)).toBe(true);

    const run = store.getState().baselineRun;
    if (run.status !== "done") throw new Error(`the run ended ${run.status}`);
    expect(run.source).toBe("run");
    expect(run.result.baselines).toEqual(["mean", "blank", "image:dog.png"]);
    expect(run.result.pairs.map((p) => `${p.a}/${p.b}`)).toEqual([
      "mean/blank",
      "mean/image:dog.png",
      "blank/image:dog.png",
    ]);
    expect(baselineRunOf(run)).toEqual({ image, question: fixtures.question });
  });

  it("shows its progress, and ends cancelled when the user stops it", async () => {
    openFixtureSession();
    const result = deferred<AttributionResult>();
    let cancelled = false;
    const store = createTrustStore(
      fakeClient({
        attribute: (_input, settings, onUpdate) => {
          onUpdate({ done: 48, total: settings.samples ?? 0 });
          return {
            result: result.promise,
            cancel: () => {
              cancelled = true;
              const error = new Error("the analysis was cancelled");
              error.name = "AbortError";
              result.reject(error);
            },
          };
        },
      }).client,
    );
    const running = store.getState().runBaselines();
    expect(store.getState().baselineRun).toMatchObject({
      status: "running",
      labels: ["mean", "blank"],
      index: 0,
      done: 48,
      total: 96,
    });
    store.getState().cancelBaselines();
    await running;
    expect(cancelled).toBe(true);
    expect(store.getState().baselineRun).toEqual({ status: "cancelled" });
  });

  it("needs two baselines and an image to run on", async () => {
    openFixtureSession();
    const { client, calls } = fakeClient();
    const store = createTrustStore(client);
    store.getState().setBaselines(["blank"]);
    await store.getState().runBaselines();
    expect(calls).toHaveLength(0);
    expect(store.getState().baselineRun).toEqual({ status: "idle" });
  });
});

describe("a permalink's trust state", () => {
  it("is restored as given, a run to redo included", async () => {
    const image = openFixtureSession();
    const { client, calls } = fakeClient();
    const store = createTrustStore(client);
    const baselineImage = { ...fixtures.modelImage(), name: "other.png" };
    const second = {
      input: { kind: "attribution" as const, result: fixtures.attribution() },
      from: "b.json",
    };
    store.getState().openLink({
      view: "baselines",
      baselines: ["blank", "image"],
      baselineImage,
      rerun: { image, question: fixtures.question },
      second,
    });
    expect(store.getState()).toMatchObject({
      view: "baselines",
      baselines: ["blank", "image"],
      baselineImage,
      baselineRun: { status: "queued", of: { image, question: fixtures.question } },
      second,
    });
    await store.getState().runBaselines();
    expect(calls.map((c) => labelOf(c.input.baseline))).toEqual(["blank", "image:other.png"]);
    expect(store.getState().baselineRun.status).toBe("done");
  });

  it("drops a run on the way, so its result never lands on the opened state", async () => {
    openFixtureSession();
    const result = deferred<AttributionResult>();
    const store = createTrustStore(
      fakeClient({ attribute: () => ({ result: result.promise, cancel: () => undefined }) }).client,
    );
    const running = store.getState().runBaselines();
    store.getState().openLink({
      view: "attention",
      baselines: ["mean", "blank"],
      baselineImage: null,
      rerun: null,
      second: null,
    });
    result.resolve(fixtures.attribution());
    await running;
    expect(store.getState().baselineRun).toEqual({ status: "idle" });
  });
});

describe("the second result", () => {
  it("names the file that could not be opened", () => {
    const store = createTrustStore(fakeClient().client);
    store.getState().openSecond("{not json", "b.json");
    expect(store.getState().secondError).toMatch(/^b\.json could not be opened: /);
    store.getState().openSecond(JSON.stringify(fixtures.answer()), "answer.json");
    expect(store.getState().secondError).toMatch(
      /^answer\.json could not be opened: .*"headflow\.answer\/1"/,
    );
    store.getState().openSecond(JSON.stringify(fixtures.attribution()), "a.json");
    expect(store.getState()).toMatchObject({ secondError: null, second: { from: "a.json" } });
  });
});
