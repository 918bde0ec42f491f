import { describe, expect, it } from "vitest";
import { buildPayload } from "../analysis-payload";
import * as fixtures from "../testing/analysis-fixtures";
import { decodeAnalysisLink, decodeAnalysisReply } from "./analysis-link";
import { encodePermalink, PermalinkError } from "./codec";

describe("opening an analysis link", () => {
  const payload = buildPayload(fixtures.modelImage(), null, fixtures.attribution());
  const link = encodePermalink(payload);

  it("decodes a valid link to its payload", async () => {
    expect(await decodeAnalysisLink(link)).toEqual(payload);
    expect(decodeAnalysisReply(link)).toEqual({ ok: true, payload });
  });

  it("turns every failure into a PermalinkError with the codec's message and kind", async () => {
    const cut = link.slice(0, -5);
    const reply = decodeAnalysisReply(cut);
    expect(reply).toMatchObject({ ok: false, kind: "damaged" });
    await expect(decodeAnalysisLink(cut)).rejects.toThrow(PermalinkError);
    await expect(decodeAnalysisLink(cut)).rejects.toThrow((reply as { message: string }).message);
  });

  it("refuses an attribution whose declared heads do not match its scores", async () => {
    const attribution = { ...fixtures.attribution(), heads: 0 };
    const hostile = encodePermalink({ ...payload, attribution });
    await expect(decodeAnalysisLink(hostile)).rejects.toThrow(
      /This permalink is damaged: its content is invalid: attribution.heads: heads must be 1..256 \(got 0\)/,
    );
  });
});
