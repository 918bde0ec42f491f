import { describe, expect, it } from "vitest";
import type { StoredAnalysis } from "./history/analysis-record";
import { savedRecordOf } from "./saved-record";

const record = (id: string, createdAt: string, name: string): StoredAnalysis => ({
  id,
  createdAt: 1,
  title: "t",
  thumbnail: "data:image/png;base64,AA==",
  payload: { schema: "headflow.analysis/1", attribution: { createdAt, image: { name } } },
});

describe("the saved record of an attribution", () => {
  const analyses = [
    record("a", "2026-11-23T20:00:00.000Z", "cat.png"),
    record("b", "2026-11-23T20:00:01.000Z", "cat.png"),
    { ...record("c", "x", "y"), payload: { schema: "other/1" } },
  ];
  it("is found by the result's creation time and image name", () => {
    const found = savedRecordOf(analyses, {
      createdAt: "2026-11-23T20:00:01.000Z",
      image: { name: "cat.png" },
    });
    expect(found?.id).toBe("b");
  });
  it("is absent for another image or a record without an attribution", () => {
    expect(
      savedRecordOf(analyses, {
        createdAt: "2026-11-23T20:00:01.000Z",
        image: { name: "dog.png" },
      }),
    ).toBeUndefined();
    expect(savedRecordOf(analyses, { createdAt: "x", image: { name: "y" } })).toBeUndefined();
  });
});
