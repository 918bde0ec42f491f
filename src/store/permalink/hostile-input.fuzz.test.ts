/**
 * Fuzzing of everything that reads outside data in the browser: the permalink decoder (with
 * the analysis payload schema) and the JSON import parsers (attribution, evaluate, flow,
 * patches, sets). Valid documents are mutated the way a hostile link or file would be (bit
 * flips, truncation, appended bytes, huge and negative sizes, NaN, deep nesting, 1e5-element
 * arrays); each case must either open to a value whose sizes an independent check finds in
 * bounds, or be refused with the documented error type. Anything else thrown is a crash; a
 * case that runs for more than HANG_MS is a hang. Seeded, so a failure reproduces.
 */
import { deflateSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  EVALUATE_SCHEMA,
  HeadflowError,
  mulberry32,
  parseAnalysisJson,
  parseAttributionResult,
  SETS_SCHEMA,
  type EvaluateResult,
  type SetsResult,
} from "../../engine";
import { AnalysisPayloadSchema, buildPayload } from "../analysis-payload";
import * as fixtures from "../testing/analysis-fixtures";
import { encodeBase64Url, decodeBase64Url } from "./base64url";
import { decodePermalink, encodePermalink, PermalinkError } from "./codec";
import { crc32 } from "./crc32";

const SEED = 20261205;
const CASES_PER_KIND = 250;
const HANG_MS = 2000;

type Random = () => number;

interface Tally {
  tried: number;
  refused: number;
  opened: number;
  crashed: string[];
  hung: number;
}

const newTally = (): Tally => ({ tried: 0, refused: 0, opened: 0, crashed: [], hung: 0 });

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Hostile replacements for one value of a document. */
function hostileValue(random: Random): unknown {
  const makers: (() => unknown)[] = [
    () => 0,
    () => -3,
    () => -1,
    () => 1e9,
    () => 1e15,
    () => 1e308,
    () => -1e308,
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => 0.5,
    () => null,
    () => "",
    () => "x".repeat(10_000),
    () => ({}),
    () => [],
    () => Array.from({ length: 100_000 }, (_, i) => i % 7),
    () => Array.from({ length: 300 }, () => Array.from({ length: 300 }, () => 0.1)),
    () => DEEP,
    () => ({ __proto__: { polluted: true } }),
    () => true,
  ];
  return pick(random, makers)();
}

/** Every path to a value inside `value` (objects and arrays, arrays sampled). */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (Array.isArray(value)) {
    const step = Math.max(1, Math.floor(value.length / 4));
    for (let i = 0; i < value.length; i += step) paths(value[i], [...prefix, i], out);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) paths(child, [...prefix, key], out);
  }
  return out;
}

/** A copy of `document` with a few values replaced, deleted or resized. */
function mutateValue(document: unknown, random: Random): unknown {
  const copy = structuredClone(document) as Record<string, unknown>;
  const all = paths(copy).filter((path) => path.length > 0);
  const changes = 1 + Math.floor(random() * 3);
  for (let change = 0; change < changes; change++) {
    const path = pick(random, all);
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) {
      parent = (parent as Record<string | number, unknown> | undefined)?.[key];
    }
    if (typeof parent !== "object" || parent === null) continue;
    const key = path[path.length - 1]!;
    const target = parent as Record<string | number, unknown>;
    const roll = random();
    if (roll < 0.1) delete target[key];
    else if (roll < 0.2 && Array.isArray(target[key])) (target[key] as unknown[]).pop();
    else if (roll < 0.3 && Array.isArray(target[key])) {
      const array = target[key] as unknown[];
      array.push(structuredClone(array[0]));
    } else target[key] = hostileValue(random);
  }
  return copy;
}

/** Stands for an array nested 20,000 deep, written straight into the text. */
const DEEP = "__DEEP__";
const DEEP_TEXT = `${"[".repeat(20_000)}1${"]".repeat(20_000)}`;

/** The document's text, with what JSON.stringify would not write (NaN, Infinity, deep nesting). */
function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "number" && !Number.isFinite(v) ? `__${String(v)}__` : v,
  )
    .replace(/"__(NaN|Infinity|-Infinity)__"/g, "$1")
    .replaceAll(`"${DEEP}"`, DEEP_TEXT);
}

/** A correctly framed link around any JSON text (checksum right, so the content is tested). */
function frame(text: string): string {
  const json = new TextEncoder().encode(text);
  const compressed = deflateSync(json, { level: 6 });
  const framed = new Uint8Array(compressed.length + 4);
  framed.set(compressed);
  new DataView(framed.buffer).setUint32(compressed.length, crc32(json));
  return `#a=1.${encodeBase64Url(framed)}`;
}

/** Damage to the link's bytes: bit flips, truncation, appended bytes. */
function mutateBytes(link: string, random: Random): string {
  const bytes = decodeBase64Url(link.slice("#a=1.".length));
  const roll = random();
  let out: Uint8Array;
  if (roll < 0.4) {
    out = Uint8Array.from(bytes);
    const flips = 1 + Math.floor(random() * 4);
    for (let f = 0; f < flips; f++) {
      out[Math.floor(random() * out.length)]! ^= 1 << Math.floor(random() * 8);
    }
  } else if (roll < 0.7) {
    out = bytes.subarray(0, Math.floor(random() * bytes.length));
  } else {
    const extra = Array.from({ length: 1 + Math.floor(random() * 64) }, () =>
      Math.floor(random() * 256),
    );
    out = new Uint8Array([...bytes, ...extra]);
  }
  return `#a=1.${encodeBase64Url(out)}`;
}

/** An independent look at what opened: every size within bounds and arrays as declared. */
function checkHeadGrid(grid: unknown, layers: number, heads: number): void {
  expect(layers).toBeGreaterThanOrEqual(1);
  expect(layers).toBeLessThanOrEqual(256);
  expect(heads).toBeGreaterThanOrEqual(1);
  expect(heads).toBeLessThanOrEqual(256);
  expect(layers * heads).toBeLessThanOrEqual(16_384);
  const rows = grid as unknown[][];
  expect(rows.length).toBe(layers);
  for (const row of rows) expect(row.length).toBe(heads);
}

function checkOpened(value: unknown): void {
  const document = value as Record<string, unknown>;
  const attribution = (
    document.schema === "headflow.attribution/1" ? document : document.attribution
  ) as
    { layers: number; heads: number; scores: unknown; promptTokens: unknown[] } | null | undefined;
  if (attribution) {
    checkHeadGrid(attribution.scores, attribution.layers, attribution.heads);
    expect(attribution.promptTokens.length).toBeLessThanOrEqual(4096);
  }
  const flow = (
    document.schema === "headflow.flow/1"
      ? document
      : (document.flow as { result?: unknown } | undefined)?.result
  ) as { layers: number; curves: { probability: unknown[]; change: unknown[] }[] } | undefined;
  if (flow) {
    expect(flow.layers).toBeLessThanOrEqual(256);
    for (const curve of flow.curves) {
      expect(curve.probability.length).toBe(flow.layers);
      expect(curve.change.length).toBe(flow.layers);
    }
  }
  const patches = (document.schema === "headflow.patches/1" ? document : document.patches) as
    { grid: [number, number]; contributions: unknown[][] } | undefined;
  if (patches) {
    const [rows, columns] = patches.grid;
    expect(rows * columns).toBeLessThanOrEqual(64 * 64);
    expect(patches.contributions.length).toBe(rows);
    for (const row of patches.contributions) expect(row.length).toBe(columns);
  }
  if (document.schema === SETS_SCHEMA) {
    const sets = document as unknown as SetsResult;
    for (const image of sets.images) checkHeadGrid(image.scores, sets.layers, sets.heads);
    expect(sets.similarity.length).toBe(sets.images.length);
  }
  if (document.schema === EVALUATE_SCHEMA) {
    const evaluate = document as unknown as EvaluateResult;
    for (const ranking of evaluate.rankings) {
      expect(ranking.faithfulness.length).toBe(evaluate.layers * evaluate.heads + 1);
    }
  }
}

function attempt(tally: Tally, run: () => unknown, refusal: (error: unknown) => boolean): void {
  tally.tried++;
  const started = performance.now();
  try {
    checkOpened(run());
    tally.opened++;
  } catch (error) {
    if (refusal(error)) tally.refused++;
    else
      tally.crashed.push(
        error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      );
  }
  if (performance.now() - started > HANG_MS) tally.hung++;
}

function evaluateResult(): EvaluateResult {
  const layers = 2;
  const heads = 2;
  const points = layers * heads + 1;
  const curve = Array.from({ length: points }, (_, k) => k / (points - 1));
  const attribution = fixtures.attribution();
  return {
    schema: EVALUATE_SCHEMA,
    model: { ...fixtures.model, layers, heads },
    image: fixtures.image,
    question: fixtures.question,
    answer: attribution.answer,
    target: "logit",
    baseline: "mean",
    layers,
    heads,
    settings: { attribution: attribution.settings, randomRankings: 1, randomSeed: 0, level: 0.8 },
    clean: 3,
    allAblated: 1,
    attributionFit: attribution.fit,
    rankings: [
      {
        method: "attribution",
        seed: null,
        scores: [
          [0.1, 0.2],
          [0.3, 0.4],
        ],
        order: ["1.1", "1.0", "0.1", "0.0"],
        faithfulness: curve,
        completeness: curve,
        keptTargets: curve,
        droppedTargets: curve,
        kFaithfulness: 3,
        kCompleteness: 2,
      },
    ],
    summary: [{ method: "attribution", runs: 1, kFaithfulness: 3, kCompleteness: 2 }],
    timings: { totalMs: 10, masks: 20 },
    runtime: "test",
    createdAt: "2026-12-05T00:00:00.000Z",
  };
}

function setsResult(): SetsResult {
  const grid = (value: number) => [
    [value, value + 0.1],
    [value + 0.2, value + 0.3],
  ];
  const attribution = fixtures.attribution();
  return {
    schema: SETS_SCHEMA,
    model: { ...fixtures.model, layers: 2, heads: 2 },
    question: fixtures.question,
    baseline: "mean",
    target: "logit",
    settings: attribution.settings,
    permutations: 100,
    permutationSeed: 1,
    layers: 2,
    heads: 2,
    fingerprint: "abc",
    total: 2,
    images: [0, 1].map((index) => ({
      index,
      file: `${index}.png`,
      set: "cats",
      category: "cat",
      style: null,
      answer: "cat",
      heldOutR: 0.9,
      scores: grid(index),
    })),
    sets: [{ name: "cats", count: 2, mean: grid(0.5), standardError: grid(0.1) }],
    similarity: [
      [1, 0.5],
      [0.5, 1],
    ],
    test: null,
    timings: { totalMs: 5 },
    runtime: "test",
    createdAt: "2026-12-05T00:00:00.000Z",
  };
}

describe("hostile input fuzzing", () => {
  const tallies: Record<string, Tally> = {};

  it("the permalink decoder opens in bounds or refuses with a PermalinkError", () => {
    const random = mulberry32(SEED);
    const payloads = [
      buildPayload(fixtures.modelImage(), fixtures.answer(), fixtures.attribution()),
      buildPayload(fixtures.modelImage(), null, fixtures.attribution(), fixtures.extras()),
    ];
    const tally = newTally();
    const isRefusal = (error: unknown) => error instanceof PermalinkError;
    const open = (link: string) => () => decodePermalink(link, AnalysisPayloadSchema);
    for (let i = 0; i < CASES_PER_KIND; i++) {
      const payload = pick(random, payloads);
      if (random() < 0.3) {
        attempt(tally, open(mutateBytes(encodePermalink(payload), random)), isRefusal);
      } else {
        attempt(tally, open(frame(jsonText(mutateValue(payload, random)))), isRefusal);
      }
    }
    // The untouched payloads open: the fuzzing is of valid documents.
    for (const payload of payloads) attempt(tally, open(encodePermalink(payload)), isRefusal);
    tallies.permalink = tally;
    expect(tally.crashed).toEqual([]);
    expect(tally.hung).toBe(0);
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.opened).toBeGreaterThan(0);
  });

  it("the JSON import parsers open in bounds or refuse with a HeadflowError", () => {
    const random = mulberry32(SEED + 1);
    const documents: [unknown, (value: unknown) => unknown][] = [
      [fixtures.attribution(), parseAttributionResult],
      [fixtures.attribution(), parseAnalysisJson],
      [evaluateResult(), parseAnalysisJson],
      [fixtures.flow().result, parseAnalysisJson],
      [fixtures.patches(), parseAnalysisJson],
      [setsResult(), parseAnalysisJson],
    ];
    const tally = newTally();
    // What an import does with a file's text: JSON.parse (a SyntaxError says "not JSON"), then
    // the parser.
    const isRefusal = (error: unknown) =>
      error instanceof HeadflowError || error instanceof SyntaxError;
    for (let i = 0; i < CASES_PER_KIND * 2; i++) {
      const [document, parse] = pick(random, documents);
      let text = jsonText(mutateValue(document, random));
      if (random() < 0.2) text = text.slice(0, Math.floor(random() * text.length));
      const current = text;
      attempt(tally, () => parse(JSON.parse(current)), isRefusal);
    }
    for (const [document, parse] of documents) attempt(tally, () => parse(document), isRefusal);
    tallies.imports = tally;
    expect(tally.crashed).toEqual([]);
    expect(tally.hung).toBe(0);
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.opened).toBeGreaterThanOrEqual(documents.length);
  });

  it("reports its counts", () => {
    for (const [kind, tally] of Object.entries(tallies)) {
      console.log(
        `fuzz ${kind}: tried ${tally.tried}, refused ${tally.refused}, opened ${tally.opened}, crashed ${tally.crashed.length}, hung ${tally.hung}`,
      );
    }
    expect(Object.keys(tallies)).toEqual(["permalink", "imports"]);
  });
});
