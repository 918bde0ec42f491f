/** The history autosave over an in-memory history: which results it keeps, under which record. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The stores read the page's origin when they load (the bundled model's URL); this runs in
// Node, before the imports below.
vi.hoisted(() => {
  Object.assign(globalThis, { window: { location: { origin: "http://127.0.0.1:4173" } } });
});

import { createHistoryStore } from "./history/history-store";
import { createMemoryHistory } from "./history/repository";
import { useAnalysisStore } from "./analysis-store";
import { buildPayload } from "./analysis-payload";
import { startHistoryAutosave } from "./history-autosave";
import { useObjectBackgroundStore } from "./object-background-store";
import { startImage } from "./session-store";
import { openAnalysis } from "./shown-analysis";
import { useTokenFlowStore } from "./token-flow-store";
import * as fixtures from "./testing/analysis-fixtures";

const THUMBNAIL = "data:image/png;base64,AA==";

let history: ReturnType<typeof createHistoryStore>;
let stop: () => void;

beforeEach(async () => {
  history = createHistoryStore(async () => createMemoryHistory());
  await history.getState().load();
  stop = startHistoryAutosave({ history, thumbnail: async () => THUMBNAIL });
  startImage(fixtures.modelImage());
  useAnalysisStore.setState({
    ask: { status: "done", result: fixtures.answer() },
    attribution: { status: "idle" },
  });
  useTokenFlowStore.getState().forget();
  useObjectBackgroundStore.getState().forget();
});

afterEach(() => stop());

const analyses = () => history.getState().analyses;
const analysis = useAnalysisStore.getState;

/** A token flow or object vs background run on this page finishing. */
const flowRun = () => useTokenFlowStore.setState({ result: fixtures.flow(), source: "run" });
const patchesRun = () =>
  useObjectBackgroundStore.setState({ result: fixtures.patches(), source: "run" });

/** Waits until the history holds `count` records (saves are asynchronous). */
async function records(count: number) {
  await vi.waitFor(() => expect(analyses()).toHaveLength(count));
  // Let any save still queued behind them finish too.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return analyses();
}

const attributionRun = (createdAt = "2026-11-23T21:00:00.000Z") =>
  useAnalysisStore.setState({
    attribution: {
      status: "done",
      result: { ...fixtures.attribution(), createdAt },
      source: "run",
    },
  });

describe("the history autosave", () => {
  it("keeps a token flow without attribution, then adds later results to the same record", async () => {
    flowRun();
    const [first] = await records(1);
    expect(first!.title).toBe("taco — sample-00.png (token flow)");
    expect(first!.payload).toMatchObject({ schema: "headflow.analysis/2", attribution: null });

    patchesRun();
    await vi.waitFor(() => expect(analyses()[0]!.payload).toHaveProperty("patches"));
    attributionRun();
    await vi.waitFor(() => expect(analyses()[0]!.payload).toHaveProperty("attribution.layers", 8));
    const [upgraded] = await records(1);
    expect(upgraded).toMatchObject({ id: first!.id, createdAt: first!.createdAt });
    expect(upgraded!.title).toBe("taco — sample-00.png");
    expect(upgraded!.payload).toMatchObject({ schema: "headflow.analysis/1" });
    expect(upgraded!.payload).toHaveProperty("flow");

    // Another attribution run is another analysis, with the results shown beside it.
    attributionRun("2026-11-23T22:00:00.000Z");
    const both = await records(2);
    expect(both.map((record) => record.payload)).toEqual(
      expect.arrayContaining([expect.objectContaining({ flow: fixtures.flow() })]),
    );
  });

  it("writes results that arrive together into one record", async () => {
    flowRun();
    patchesRun();
    const [only] = await records(1);
    expect(only!.title).toBe("taco — sample-00.png (token flow, object vs background)");
  });

  it("keeps an attribution run without other results, as before", async () => {
    attributionRun();
    const [only] = await records(1);
    expect(only!.payload).toMatchObject({ schema: "headflow.analysis/1" });
    expect(only!.payload).not.toHaveProperty("flow");
  });

  it("does not re-save an opened analysis, nor results cleared for a new question", async () => {
    const opened = { flow: fixtures.flow() };
    const image = fixtures.modelImage();
    const payload = buildPayload(image, null, null, opened);
    openAnalysis(payload);
    expect(analysis().attribution.status).toBe("idle");
    expect(useTokenFlowStore.getState().result).toEqual(fixtures.flow());
    useTokenFlowStore.getState().forget();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(analyses()).toHaveLength(0);
  });

  it("does not save a token flow run added to an opened attribution", async () => {
    openAnalysis(buildPayload(fixtures.modelImage(), null, fixtures.attribution()));
    flowRun();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(analyses()).toHaveLength(0);
    // The same run beside an attribution run of this page is kept.
    attributionRun();
    flowRun();
    await records(1);
  });
});
