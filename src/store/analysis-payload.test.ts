import { describe, expect, it } from "vitest";
import { decodePermalink, encodePermalink, PermalinkError } from "./permalink/codec";
import {
  ANALYSIS_SCHEMA,
  ANALYSIS_SCHEMA_NO_ATTRIBUTION,
  AnalysisPayloadSchema,
  buildPayload,
  packImage,
  unpackImage,
} from "./analysis-payload";
import * as fixtures from "./testing/analysis-fixtures";

describe("the analysis payload", () => {
  it("carries the image pixels exactly", () => {
    const image = { ...fixtures.modelImage(), name: "cat <b>.png" };
    expect(unpackImage(packImage(image))).toEqual({ ...image });
  });

  it("survives a permalink round trip with identical scores", () => {
    const payload = buildPayload(fixtures.modelImage(), null, fixtures.attribution());
    const link = encodePermalink(payload);
    const opened = decodePermalink(link, AnalysisPayloadSchema);
    expect(opened).toEqual(payload);
    expect(opened.attribution?.scores).toEqual(fixtures.attribution().scores);
  });

  it("stays small enough for a URL", () => {
    const link = encodePermalink(buildPayload(fixtures.modelImage(), null, fixtures.attribution()));
    expect(link.length).toBeLessThan(40_000);
  });

  it("refuses a truncated link with the codec's clear error", () => {
    const link = encodePermalink(buildPayload(fixtures.modelImage(), null, fixtures.attribution()));
    const cut = link.slice(0, link.length - 20);
    expect(() => decodePermalink(cut, AnalysisPayloadSchema)).toThrow(PermalinkError);
    expect(() => decodePermalink(cut, AnalysisPayloadSchema)).toThrow(/damaged/);
  });

  it("refuses image data that does not match its size", () => {
    const payload = buildPayload(fixtures.modelImage(8), null, fixtures.attribution());
    const bad = { ...payload, image: { ...payload.image, size: 9 } };
    expect(() => decodePermalink(encodePermalink(bad), AnalysisPayloadSchema)).toThrow(/damaged/);
  });
});

/** Encodes any JSON (a payload as a link may hold it) and opens it as the app does. */
const open = (payload: object) =>
  decodePermalink(encodePermalink({ schema: "", ...payload }), AnalysisPayloadSchema);

/** The PermalinkError that opening `payload` throws. */
function refusal(payload: object): PermalinkError {
  try {
    open(payload);
  } catch (error) {
    if (error instanceof PermalinkError) return error;
    throw error;
  }
  throw new Error("the payload was accepted");
}

describe("an analysis without an attribution", () => {
  const image = fixtures.modelImage();

  it("survives a permalink round trip with a token flow alone, as headflow.analysis/2", () => {
    const flow = fixtures.flow();
    const payload = buildPayload(image, fixtures.answer(), null, { flow });
    expect(payload.schema).toBe(ANALYSIS_SCHEMA_NO_ATTRIBUTION);
    expect(payload.attribution).toBeNull();
    // Model and question come from the token flow result.
    expect(payload.modelId).toBe(flow.result.model.id);
    expect(payload.question).toBe(flow.result.question);
    expect(Object.keys(payload)).not.toContain("patches");
    const opened = open(payload);
    expect(opened).toStrictEqual(payload);
    expect(opened.flow).toEqual(fixtures.flow());
  });

  it("survives a round trip with an object vs background result alone", () => {
    const patches = { ...fixtures.patches(), question: "Is there a cat?" };
    const payload = buildPayload(image, null, null, { patches });
    expect(payload.question).toBe("Is there a cat?");
    expect(open(payload)).toStrictEqual(payload);
  });

  it("reads a missing attribution field as none", () => {
    const { attribution: _none, ...payload } = buildPayload(image, null, null, {
      flow: fixtures.flow(),
    });
    expect(open(payload).attribution).toBeNull();
  });

  it("is refused when it holds nothing to show, with a clear message", () => {
    expect(() => buildPayload(image, fixtures.answer(), null, {})).toThrow(/no results to show/);
    const { flow: _flow, ...empty } = buildPayload(image, fixtures.answer(), null, {
      flow: fixtures.flow(),
    });
    const error = refusal(empty);
    expect(error.kind).toBe("damaged");
    // The message docs/PERMALINK.md quotes.
    expect(error.message).toBe(
      "This permalink is damaged: its content is invalid: (root): it holds no results to " +
        "show (no attribution, token flow or object vs background).",
    );
  });

  it("is refused when tampered with", () => {
    const payload = buildPayload(image, null, null, { flow: fixtures.flow() });
    const flow = payload.flow!;
    const bad = (change: object) => refusal({ ...payload, flow: { ...flow, ...change } });
    // A number turned into text, a curve that is not an array, attention rows that do not
    // match their token positions, an unknown token group.
    const text = structuredClone(flow.result);
    (text.curves[0]!.probability as unknown[])[3] = "0.5";
    expect(bad({ result: text }).message).toMatch(
      /damaged.*flow\.result\.curves\.0\.probability\.3/,
    );
    expect(bad({ result: { ...flow.result, curves: "x" } }).message).toMatch(
      /flow\.result\.curves/,
    );
    const rows = { ...flow.tokenAttention, positions: flow.tokenAttention.positions.slice(1) };
    expect(bad({ tokenAttention: rows }).message).toContain("one attention row per token position");
    const group = { ...flow.result, groups: { ...flow.result.groups, html: [1] } };
    expect(bad({ result: group }).kind).toBe("damaged");
    // A link whose characters were changed fails its checksum.
    const link = encodePermalink(payload);
    const changed = `${link.slice(0, 40)}${link[40] === "A" ? "B" : "A"}${link.slice(41)}`;
    expect(() => decodePermalink(changed, AnalysisPayloadSchema)).toThrow(PermalinkError);
  });

  it("cannot pass as a headflow.analysis/1 payload, and an unknown version cannot be opened", () => {
    const payload = buildPayload(image, null, null, { flow: fixtures.flow() });
    const error = refusal({ ...payload, schema: ANALYSIS_SCHEMA });
    expect(error.message).toContain("attribution: a headflow.analysis/1 analysis carries");
    const newer = refusal({ ...payload, schema: "headflow.analysis/3" });
    expect(newer.kind).toBe("unsupported-content");
  });
});

describe("an analysis with an attribution", () => {
  it("is written as before: headflow.analysis/1, the same fields", () => {
    const image = fixtures.modelImage();
    const result = fixtures.attribution();
    // The payload of a link made before analyses without attribution existed.
    const before = {
      schema: "headflow.analysis/1",
      modelId: "emoji-vlm",
      image: packImage(image),
      question: result.question,
      answer: fixtures.answer(),
      attribution: result,
      flow: fixtures.flow(),
    };
    const payload = buildPayload(image, fixtures.answer(), result, { flow: fixtures.flow() });
    expect(payload).toStrictEqual(before);
    expect(JSON.stringify(payload)).toBe(JSON.stringify(before));
    expect(open(before)).toStrictEqual(before);
  });
});

describe("an analysis whose results are of different questions", () => {
  const image = fixtures.modelImage();
  const other = "What color is the background? Answer with one word.";

  it("keeps the newer token flow and leaves the previous question's attribution out", () => {
    // A new question clears the token flow but leaves the last attribution on show.
    const flow = fixtures.flow();
    const payload = buildPayload(
      image,
      { ...fixtures.answer(), question: other },
      { ...fixtures.attribution(), question: other },
      { flow },
    );
    expect(payload.schema).toBe(ANALYSIS_SCHEMA_NO_ATTRIBUTION);
    expect(payload.question).toBe(flow.result.question);
    expect(payload.attribution).toBeNull();
    expect(payload.answer).toBeNull();
    expect(payload.flow).toEqual(flow);
  });

  it("leaves out an answer to another question than the attribution's", () => {
    const payload = buildPayload(
      image,
      { ...fixtures.answer(), question: other },
      fixtures.attribution(),
    );
    expect(payload.schema).toBe(ANALYSIS_SCHEMA);
    expect(payload.question).toBe(fixtures.question);
    expect(payload.answer).toBeNull();
    expect(open(payload)).toStrictEqual(payload);
  });
});

describe("a payload's sizes are checked against each other", () => {
  const image = fixtures.modelImage();

  it("refuses token attention at a position outside the flow's prompt, or with uneven rows", () => {
    const flow = fixtures.flow();
    const outside = {
      ...flow,
      tokenAttention: {
        ...flow.tokenAttention,
        positions: [500, ...flow.tokenAttention.positions.slice(1)],
      },
    };
    expect(refusal(buildPayload(image, null, null, { flow: outside })).message).toContain(
      "flow.tokenAttention.positions.0: position 500 is outside the 82 prompt tokens",
    );
    const rows = flow.tokenAttention.attention;
    const uneven = {
      ...flow,
      tokenAttention: {
        ...flow.tokenAttention,
        attention: [rows[0]!, rows[1]!.slice(1), ...rows.slice(2)],
      },
    };
    expect(refusal(buildPayload(image, null, null, { flow: uneven })).message).toContain(
      "flow.tokenAttention.attention.1: every attention row reads the same 64 patches (row 1 has 63)",
    );
  });

  it("refuses an attribution whose scores are not layers x heads", () => {
    const attribution = { ...fixtures.attribution(), heads: 7 };
    const payload = buildPayload(image, null, fixtures.attribution());
    expect(refusal({ ...payload, attribution }).message).toContain(
      "attribution.model: the model has 8 x 8 heads but the scores are for 8 x 7",
    );
  });
});
