import { describe, expect, it } from "vitest";
import type { StoredAnalysis } from "./history/analysis-record";
import { buildPayload } from "./analysis-payload";
import { savedRecordOf, titleOf } from "./saved-record";
import * as fixtures from "./testing/analysis-fixtures";

const record = (id: string, payload: object): StoredAnalysis => ({
  id,
  createdAt: 1,
  title: "t",
  thumbnail: "data:image/png;base64,AA==",
  payload: { schema: "headflow.analysis/1", ...payload },
});

const ref = (createdAt: string, name = "cat.png") => ({ createdAt, image: { name } });

describe("the saved record of an analysis", () => {
  const analyses = [
    record("a", { attribution: ref("2026-11-23T20:00:00.000Z") }),
    record("b", { attribution: ref("2026-11-23T20:00:01.000Z") }),
    record("c", { schema: "other/1" }),
    record("flow", { attribution: null, flow: { result: ref("2026-11-23T20:00:05.000Z") } }),
    record("patches", { attribution: null, patches: ref("2026-11-23T20:00:06.000Z") }),
  ];

  it("is the record of the same attribution", () => {
    expect(savedRecordOf(analyses, { attribution: ref("2026-11-23T20:00:01.000Z") })?.id).toBe("b");
  });

  it("is absent for another image or a record without any result", () => {
    expect(
      savedRecordOf(analyses, { attribution: ref("2026-11-23T20:00:01.000Z", "dog.png") }),
    ).toBeUndefined();
    expect(savedRecordOf(analyses, { attribution: ref("x", "y") })).toBeUndefined();
    expect(savedRecordOf(analyses, {})).toBeUndefined();
  });

  it("is a record without attribution that shares a token flow or object vs background result", () => {
    const flow = { result: ref("2026-11-23T20:00:05.000Z") };
    // Object vs background after the token flow, an attribution after both.
    expect(savedRecordOf(analyses, { flow, patches: ref("2026-11-23T20:00:07.000Z") })?.id).toBe(
      "flow",
    );
    expect(
      savedRecordOf(analyses, { attribution: ref("2026-11-23T21:00:00.000Z"), flow })?.id,
    ).toBe("flow");
    expect(savedRecordOf(analyses, { patches: ref("2026-11-23T20:00:06.000Z") })?.id).toBe(
      "patches",
    );
    // A new token flow run of the same image is a new analysis.
    expect(savedRecordOf(analyses, { flow: { result: ref("2026-11-23T20:00:08.000Z") } })).toBe(
      undefined,
    );
  });

  it("is never a record with another attribution, even with the same token flow", () => {
    const flow = { result: ref("2026-11-23T20:00:05.000Z") };
    const kept = [record("a+flow", { attribution: ref("2026-11-23T20:00:00.000Z"), flow })];
    expect(savedRecordOf(kept, { attribution: ref("2026-11-23T20:00:09.000Z"), flow })).toBe(
      undefined,
    );
    expect(savedRecordOf(kept, { attribution: null, flow })).toBeUndefined();
  });
});

describe("the title of a saved analysis", () => {
  const image = fixtures.modelImage();
  it("is the answer and image, and says what an analysis without attribution holds", () => {
    const answer = fixtures.answer();
    expect(titleOf(buildPayload(image, answer, fixtures.attribution(), fixtures.extras()))).toBe(
      "taco — sample-00.png",
    );
    expect(titleOf(buildPayload(image, answer, null, { flow: fixtures.flow() }))).toBe(
      "taco — sample-00.png (token flow)",
    );
    expect(titleOf(buildPayload(image, null, null, fixtures.extras()))).toBe(
      "taco — sample-00.png (token flow, object vs background)",
    );
    expect(titleOf(buildPayload(image, null, null, { patches: fixtures.patches() }))).toBe(
      "taco — sample-00.png (object vs background)",
    );
  });
});
