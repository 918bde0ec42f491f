/** The payload's optional token flow / object vs background fields (analysis-extras.ts). */
import { describe, expect, it } from "vitest";
import { decodePermalink, encodePermalink } from "./permalink/codec";
import { AnalysisPayloadSchema, buildPayload } from "./analysis-payload";
import { attribution, extras, modelImage } from "./testing/analysis-fixtures";

describe("token flow results in the analysis payload", () => {
  it("leaves a payload without them as it was (old permalinks stay valid)", () => {
    const payload = buildPayload(modelImage(), null, attribution());
    expect(Object.keys(payload)).not.toContain("flow");
    expect(Object.keys(payload)).not.toContain("patches");
    expect(decodePermalink(encodePermalink(payload), AnalysisPayloadSchema)).toEqual(payload);
  });

  it("carries flow curves, token attention and patches through a permalink exactly", () => {
    const payload = buildPayload(modelImage(), null, attribution(), extras());
    const link = encodePermalink(payload);
    const opened = decodePermalink(link, AnalysisPayloadSchema);
    expect(opened.flow).toEqual(extras().flow);
    expect(opened.patches).toEqual(extras().patches);
    // Doubles do not compress well; the link still fits a URL comfortably.
    expect(link.length).toBeLessThan(80_000);
  });

  it("refuses token attention whose rows do not match its positions", () => {
    const bad = extras();
    bad.flow!.tokenAttention.positions.pop();
    const payload = buildPayload(modelImage(), null, attribution(), bad);
    expect(() => decodePermalink(encodePermalink(payload), AnalysisPayloadSchema)).toThrow(
      /one attention row per token position/,
    );
  });
});
