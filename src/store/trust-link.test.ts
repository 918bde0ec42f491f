/**
 * The permalink's `trust` field: what a tampered one is refused for (with the path and
 * reason the user is shown), and that a link without it still opens.
 */
import { describe, expect, it } from "vitest";
import { AnalysisPayloadSchema, buildPayload, packImage } from "./analysis-payload";
import { decodePermalink, encodePermalink, PermalinkError } from "./permalink/codec";
import * as fixtures from "./testing/analysis-fixtures";
import type { TrustLink } from "./trust-link-schema";

const payload = () => buildPayload(fixtures.modelImage(), null, fixtures.attribution());

const trust = (): TrustLink => ({
  view: "baselines",
  baselines: ["mean", "blank", "image"],
  baselineImage: packImage({ ...fixtures.modelImage(8), name: "other <i>.png" }),
  ran: true,
  head: { layer: 7, head: 7 },
  second: { from: "blank.json", result: { ...fixtures.attribution(), baseline: "blank" } },
});

/** Encodes `value` (anything JSON) as a link and opens it as the app does. */
const open = (value: object) =>
  decodePermalink(encodePermalink({ schema: "", ...value }), AnalysisPayloadSchema);

/** The message a link holding `changes` to a valid trust field is refused with. */
function refusal(changes: Record<string, unknown>, base = payload()): string {
  try {
    open({ ...base, trust: { ...trust(), ...changes } });
  } catch (error) {
    if (error instanceof PermalinkError && error.kind === "damaged") return error.message;
    throw error;
  }
  throw new Error("the link was accepted");
}

describe("the permalink's trust field", () => {
  it("comes back as it was written", () => {
    const written = { ...payload(), trust: trust() };
    expect(open(written)).toEqual(written);
  });

  it("is optional: a link without it opens as before", () => {
    const opened = open(payload());
    expect(opened.trust).toBeUndefined();
    expect(opened).toEqual(payload());
  });

  it("is refused when tampered with, saying where and why", () => {
    expect(refusal({ view: "<script>" })).toMatch(
      /^This permalink is damaged: its content is invalid: trust\.view: /,
    );
    expect(refusal({ baselines: ["blank", "mean"] })).toContain(
      "trust.baselines: baselines are listed once each, in the order mean, blank, image",
    );
    expect(refusal({ baselines: ["mean", "mean"] })).toContain(
      "trust.baselines: baselines are listed once each",
    );
    expect(refusal({ baselines: ["mean", "photo"] })).toMatch(/trust\.baselines\.1: /);
    expect(refusal({ baselineImage: undefined })).toContain(
      "trust.baselineImage: the image baseline is chosen but no baseline image is given",
    );
    expect(refusal({ baselineImage: { name: "x", size: 9, rgb: "AAAA" } })).toContain(
      "trust.baselineImage.rgb: the image data does not match its size",
    );
    expect(refusal({ baselines: ["mean"], ran: true })).toContain(
      "trust.ran: a baseline comparison needs at least two baselines",
    );
    expect(refusal({ ran: false })).toMatch(/trust\.ran: /);
    expect(refusal({ head: { layer: 8, head: 0 } })).toContain(
      "trust.head: head 8.0 is outside the attribution's 8 x 8 heads",
    );
    expect(refusal({ head: { layer: -1, head: 0 } })).toMatch(/trust\.head\.layer: /);
    expect(refusal({ second: { from: "x".repeat(501), result: fixtures.attribution() } })).toMatch(
      /trust\.second\.from: /,
    );
    expect(
      refusal({ second: { from: "b.json", result: { ...fixtures.attribution(), layers: 9 } } }),
    ).toMatch(/trust\.second\.result/);
  });

  it("refuses a selected head without an attribution to select it in", () => {
    const flowOnly = buildPayload(fixtures.modelImage(), null, null, { flow: fixtures.flow() });
    expect(refusal({ ran: undefined }, flowOnly)).toContain(
      "trust.head: a selected head needs the attribution it was selected in",
    );
  });
});
