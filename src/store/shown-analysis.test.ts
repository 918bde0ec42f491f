/**
 * The analysis on show, put together from its stores: an opened payload hands each part to
 * its store, and the payload built back from them is the same permalink, byte for byte.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The stores read the page's origin when they load (the bundled model's URL); this runs in
// Node, before the imports below.
vi.hoisted(() => {
  Object.assign(globalThis, { window: { location: { origin: "http://127.0.0.1:4173" } } });
});

import { useAnalysisStore } from "./analysis-store";
import { buildPayload, type AnalysisPayload } from "./analysis-payload";
import { useObjectBackgroundStore } from "./object-background-store";
import { useObjectMaskStore } from "./object-mask-store";
import { AnalysisPayloadSchema } from "./analysis-payload";
import { decodePermalink, encodePermalink } from "./permalink/codec";
import { installResets } from "./resets";
import { commitQuestion, useSessionStore } from "./session-store";
import { openAnalysis, shownPayload } from "./shown-analysis";
import { useTokenFlowStore } from "./token-flow-store";
import { useHeadStore } from "./head-store";
import { sessionImage } from "./session-store";
import { useTrustStore } from "./trust-store";
import * as fixtures from "./testing/analysis-fixtures";

let uninstall: () => void;
beforeEach(() => {
  uninstall = installResets();
});
afterEach(() => uninstall());

/** A payload as a link carries it: encoded, then decoded and validated. */
function throughLink(payload: AnalysisPayload): { link: string; opened: AnalysisPayload } {
  const link = encodePermalink(payload);
  return { link, opened: decodePermalink(link, AnalysisPayloadSchema) };
}

describe("an opened analysis", () => {
  it("gives each store its part, and builds back the same link", () => {
    const { link, opened } = throughLink(
      buildPayload(
        fixtures.modelImage(),
        fixtures.answer(),
        fixtures.attribution(),
        fixtures.extras(),
      ),
    );
    openAnalysis(opened);
    expect(useSessionStore.getState()).toMatchObject({
      question: fixtures.question,
      asked: fixtures.question,
      origin: { kind: "opened" },
    });
    expect(useAnalysisStore.getState().attribution).toMatchObject({
      status: "done",
      source: "link",
    });
    expect(useTokenFlowStore.getState()).toMatchObject({ result: opened.flow, source: "link" });
    expect(useObjectBackgroundStore.getState()).toMatchObject({
      result: opened.patches,
      source: "link",
    });
    expect(encodePermalink(shownPayload()!)).toBe(link);
  });

  it("builds back the same headflow.analysis/2 link without an attribution", () => {
    const { link, opened } = throughLink(
      buildPayload(fixtures.modelImage(), null, null, { flow: fixtures.flow() }),
    );
    openAnalysis(opened);
    expect(useAnalysisStore.getState().attribution.status).toBe("idle");
    expect(useObjectBackgroundStore.getState().result).toBeNull();
    expect(encodePermalink(shownPayload()!)).toBe(link);
  });

  it("starts the object mask from the one its results were made with", () => {
    const patches = fixtures.patches();
    openAnalysis(throughLink(buildPayload(fixtures.modelImage(), null, null, { patches })).opened);
    expect(useObjectMaskStore.getState().choice).toBe(patches.objectMask.source);
  });

  it("loses the previous analysis's results, and a new question loses its own", () => {
    openAnalysis(
      throughLink(buildPayload(fixtures.modelImage(), null, null, fixtures.extras())).opened,
    );
    openAnalysis(
      throughLink(buildPayload(fixtures.modelImage(), null, fixtures.attribution())).opened,
    );
    expect(useTokenFlowStore.getState().result).toBeNull();
    expect(useObjectBackgroundStore.getState().result).toBeNull();

    openAnalysis(
      throughLink(buildPayload(fixtures.modelImage(), null, null, fixtures.extras())).opened,
    );
    useSessionStore.getState().setQuestion("What colour is it?");
    commitQuestion();
    expect(useTokenFlowStore.getState().result).toBeNull();
    expect(useObjectBackgroundStore.getState().result).toBeNull();
    expect(shownPayload()).toBeNull();
  });
});

describe("the trust views' state in a link", () => {
  /** Opens an analysis with an attribution, then sets the trust views as a user might. */
  function shareWithTrustState(): string {
    openAnalysis(
      throughLink(buildPayload(fixtures.modelImage(), fixtures.answer(), fixtures.attribution()))
        .opened,
    );
    const image = sessionImage()!;
    useTrustStore.setState({
      view: "compare",
      baselines: ["mean", "blank", "image"],
      baselineImage: { ...fixtures.modelImage(16), name: "other <b>.png" },
      baselineRun: { status: "queued", of: { image, question: fixtures.question } },
      second: {
        input: { kind: "attribution", result: { ...fixtures.attribution(), baseline: "blank" } },
        from: "blank.json",
      },
    });
    useHeadStore.setState({ selected: { layer: 3, head: 5 } });
    return encodePermalink(shownPayload()!);
  }

  it("comes back in a fresh session, and builds back the same link", () => {
    const link = shareWithTrustState();
    const written = decodePermalink(link, AnalysisPayloadSchema);
    expect(written.trust).toMatchObject({
      view: "compare",
      baselines: ["mean", "blank", "image"],
      baselineImage: { name: "other <b>.png", size: 16 },
      ran: true,
      head: { layer: 3, head: 5 },
      second: { from: "blank.json", result: { baseline: "blank" } },
    });

    // Another analysis in between: the trust views go back to their defaults.
    openAnalysis(
      throughLink(buildPayload(fixtures.modelImage(), null, fixtures.attribution())).opened,
    );
    expect(useTrustStore.getState()).toMatchObject({
      view: "attention",
      baselines: ["mean", "blank"],
      baselineImage: null,
      baselineRun: { status: "idle" },
      second: null,
    });
    expect(useHeadStore.getState().selected).toBeNull();
    expect(shownPayload()!.trust).toBeUndefined();

    openAnalysis(decodePermalink(link, AnalysisPayloadSchema));
    const trust = useTrustStore.getState();
    expect(trust).toMatchObject({
      view: "compare",
      baselines: ["mean", "blank", "image"],
      baselineImage: { name: "other <b>.png", width: 16, height: 16 },
      baselineRun: { status: "queued", of: { image: sessionImage(), question: fixtures.question } },
      second: { from: "blank.json", input: { kind: "attribution" } },
    });
    expect(trust.baselineImage!.data).toEqual(fixtures.modelImage(16).data);
    expect(useHeadStore.getState().selected).toEqual({ layer: 3, head: 5 });
    expect(encodePermalink(shownPayload()!)).toBe(link);
  });

  it("leaves out a run of another question, and a sets result as B", () => {
    shareWithTrustState();
    const image = sessionImage()!;
    useTrustStore.setState({
      baselineRun: { status: "queued", of: { image, question: "What colour is it?" } },
      second: {
        input: { kind: "sets", result: {} as never },
        from: "sets.json",
      },
    });
    const trust = shownPayload()!.trust!;
    expect(trust.ran).toBeUndefined();
    expect(trust.second).toBeUndefined();
  });

  it("is not written while the trust views are as a fresh page has them", () => {
    openAnalysis(
      throughLink(buildPayload(fixtures.modelImage(), null, fixtures.attribution())).opened,
    );
    useTrustStore.setState({ view: "baselines" });
    expect(shownPayload()!.trust).toEqual({ view: "baselines", baselines: ["mean", "blank"] });
    useTrustStore.setState({ view: "attention" });
    expect(shownPayload()!).not.toHaveProperty("trust");
  });
});
