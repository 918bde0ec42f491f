/**
 * Numbers and verdicts for the paper's four findings, from the CLI's JSON results. Each
 * verdict names its criterion, so a reader can disagree with the threshold and still use
 * the numbers.
 */
import type { EvaluateResult, FlowResult, PatchesResult, SetsResult } from "../../src/engine";
import { pearson } from "../../src/engine";

export interface Verdict {
  claim: string;
  agrees: boolean | null;
  criterion: string;
  evidence: string;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const f3 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(3);
const f1 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(1);

/** Mean of each index over several curves (nulls skipped). */
export function meanCurve(curves: (number | null)[][]): (number | null)[] {
  const length = Math.max(0, ...curves.map((c) => c.length));
  return Array.from({ length }, (_, i) => {
    const known = curves.map((c) => c[i]).filter((v): v is number => v !== null && v !== undefined);
    return known.length ? mean(known) : null;
  });
}

export const METHODS = ["attribution", "attention", "single-head", "random"] as const;

export function rankingSummary(results: EvaluateResult[]) {
  return METHODS.map((method) => {
    const runs = results.flatMap((r) => r.rankings.filter((k) => k.method === method));
    const ks = (pick: (r: (typeof runs)[number]) => number | null, all: number) =>
      mean(runs.map((r) => pick(r) ?? all));
    const heads = (results[0]?.layers ?? 0) * (results[0]?.heads ?? 0);
    return {
      method,
      runs: runs.length,
      // A ranking that never reaches the level counts as needing every head.
      kFaithfulness: ks((r) => r.kFaithfulness, heads),
      kCompleteness: ks((r) => r.kCompleteness, heads),
      faithfulness: meanCurve(runs.map((r) => r.faithfulness)),
      completeness: meanCurve(runs.map((r) => r.completeness)),
    };
  });
}

/** Share of positive attribution per layer, averaged over images. */
export function layerProfile(results: EvaluateResult[]): number[] {
  const layers = results[0]?.layers ?? 0;
  const shares = results.map((r) => {
    const scores = r.rankings.find((k) => k.method === "attribution")!.scores!;
    const positive = scores.map((row) => row.reduce((s, v) => s + Math.max(0, v), 0));
    const total = positive.reduce((a, b) => a + b, 0);
    return positive.map((p) => (total > 0 ? p / total : 0));
  });
  return Array.from({ length: layers }, (_, l) => mean(shares.map((s) => s[l]!)));
}

export function finding1(results: EvaluateResult[]): {
  verdicts: Verdict[];
  summary: ReturnType<typeof rankingSummary>;
  profile: number[];
  attentionR: number;
} {
  const summary = rankingSummary(results);
  const by = (m: string) => summary.find((s) => s.method === m)!;
  const heads = results[0]!.layers * results[0]!.heads;
  const layers = results[0]!.layers;
  const profile = layerProfile(results);
  const early = Math.round(layers / 3);
  const lateShare = profile.slice(early).reduce((a, b) => a + b, 0);
  const attentionR = mean(
    results
      .map((r) => {
        const scores = (m: string) => r.rankings.find((k) => k.method === m)!.scores!.flat();
        return pearson(scores("attention"), scores("attribution"));
      })
      .filter(Number.isFinite),
  );
  const attribution = by("attribution");
  const random = by("random");
  const attention = by("attention");
  return {
    summary,
    profile,
    attentionR,
    verdicts: [
      {
        claim: "A distinct subset of heads carries the image-to-text flow",
        agrees:
          attribution.kFaithfulness <= heads / 4 &&
          attribution.kFaithfulness < random.kFaithfulness,
        criterion: `attribution reaches faithfulness 0.8 with at most a quarter of the heads (${heads / 4}) and fewer than random orders`,
        evidence: `mean smallest k: attribution ${f1(attribution.kFaithfulness)}, random ${f1(random.kFaithfulness)} of ${heads} heads`,
      },
      {
        claim: "Important heads sit mostly in middle-to-late layers",
        agrees: lateShare > 0.5 && lateShare > (layers - early) / layers,
        criterion: `layers ${early}..${layers - 1} hold more than half of the positive attribution and more than their share of heads (${f3((layers - early) / layers)})`,
        evidence: `share of positive attribution in layers ${early}..${layers - 1}: ${f3(lateShare)}`,
      },
      {
        claim: "Attention weight is a poor guide to importance",
        agrees:
          attention.kFaithfulness > attribution.kFaithfulness && !(Math.abs(attentionR) >= 0.5),
        criterion:
          "ranking by attention weight needs more heads than attribution for faithfulness 0.8, and |Pearson r| of attention weight vs attribution < 0.5",
        evidence: `mean smallest k: attention ${f1(attention.kFaithfulness)} vs attribution ${f1(attribution.kFaithfulness)}; r = ${f3(attentionR)}`,
      },
    ],
  };
}

export function finding2(sets: SetsResult): Verdict {
  const test = sets.test;
  return {
    claim: "Head selection follows semantic content (category) rather than appearance (style)",
    agrees: test ? test.difference > 0 && test.pValue < 0.05 : null,
    criterion:
      "mean similarity of same-category/different-style pairs exceeds that of same-style/different-category pairs, permutation p < 0.05",
    evidence: test
      ? `same category, different style: ${f3(test.sameCategoryDifferentStyle.mean)} (${test.sameCategoryDifferentStyle.pairs} pairs); same style, different category: ${f3(test.sameStyleDifferentCategory.mean)} (${test.sameStyleDifferentCategory.pairs} pairs); difference ${f3(test.difference)}, p = ${f3(test.pValue)} (${test.permutations} permutations)`
      : "no test: the sets lack one kind of pair",
  };
}

/** Mean change curve per pair over images. */
export function flowSummary(results: FlowResult[]) {
  const pairs = results[0]!.curves.map((c) => `${c.source}->${c.target}`);
  return pairs.map((pair, i) => {
    const curve = meanCurve(results.map((r) => r.curves[i]!.change)) as number[];
    let at = 0;
    curve.forEach((v, l) => {
      if (v < curve[at]!) at = l;
    });
    return { pair, curve, strongestLayer: at, strongestChange: curve[at]! };
  });
}

export function finding3(results: FlowResult[]): {
  verdict: Verdict;
  summary: ReturnType<typeof flowSummary>;
} {
  const summary = flowSummary(results);
  const get = (pair: string) => summary.find((s) => s.pair === pair);
  const text = ["question->role", "question->final"].map(get).filter((s) => s !== undefined);
  const image = ["imageObject->final", "imageBackground->final"]
    .map(get)
    .filter((s) => s !== undefined);
  const textLayer = mean(text.map((s) => s.strongestLayer));
  const imageLayer = mean(image.map((s) => s.strongestLayer));
  const visible = [...text, ...image].every((s) => s.strongestChange < -0.05);
  return {
    summary,
    verdict: {
      claim:
        "Text information reaches the role and final tokens first; image information arrives later",
      agrees: text.length && image.length ? visible && textLayer < imageLayer : null,
      criterion:
        "the window start with the largest drop is earlier for question->role/final than for image->final, and every one of these curves drops by more than 5% somewhere",
      evidence: `layer of the largest drop: question->role/final ${f1(textLayer)}, image->final ${f1(imageLayer)}; largest drops: ${[...text, ...image].map((s) => `${s.pair} ${f3(s.strongestChange)}`).join(", ")}`,
    },
  };
}

export function finding4(results: PatchesResult[]): Verdict {
  const relative = (pick: (r: PatchesResult) => number) =>
    mean(results.map((r) => pick(r) / r.cleanProbability));
  const object = relative((r) => r.object.drop);
  const background = relative((r) => r.background.drop);
  return {
    claim: "Image information is read from both object tokens and background tokens",
    agrees: object > 0.05 && background > 0.05,
    criterion:
      "blocking text -> object patches and blocking text -> background patches (every layer) each lower the answer probability by more than 5% of its clean value",
    evidence: `mean relative drop: object patches ${f3(object)}, background patches ${f3(background)}, all patches ${f3(relative((r) => r.wholeImage.drop))}; object patches per image: ${results.map((r) => r.object.patches).join(", ")}`,
  };
}
