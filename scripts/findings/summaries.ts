/**
 * Numbers and verdicts for the paper's four findings, from the CLI's JSON results. Each
 * verdict names its criterion, so a reader can disagree with the threshold and still use
 * the numbers. Criteria and their history: docs/ANALYSES.md, "Findings".
 */
import {
  type EvaluateResult,
  type FlowResult,
  type PatchesResult,
  type SetsResult,
  maxOf,
  pearson,
} from "../../src/engine";

export interface Verdict {
  claim: string;
  agrees: boolean | null;
  criterion: string;
  evidence: string;
}

export const mean = (xs: readonly number[]) =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
export const f3 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(3);
export const f1 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(1);

/** Mean of each index over several curves (nulls skipped). */
export function meanCurve(curves: readonly (readonly (number | null)[])[]): (number | null)[] {
  const length = Math.max(0, maxOf(curves.map((c) => c.length)));
  return Array.from({ length }, (_, i) => {
    const known = curves.map((c) => c[i]).filter((v): v is number => v !== null && v !== undefined);
    return known.length ? mean(known) : null;
  });
}

export const METHODS = ["attribution", "attention", "single-head", "random"] as const;

export function rankingSummary(results: readonly EvaluateResult[]) {
  return METHODS.map((method) => {
    const runs = results.flatMap((r) => r.rankings.filter((k) => k.method === method));
    const heads = (results[0]?.layers ?? 0) * (results[0]?.heads ?? 0);
    // A ranking that never reaches the level counts as needing every head.
    const ks = (pick: (r: (typeof runs)[number]) => number | null) =>
      mean(runs.map((r) => pick(r) ?? heads));
    return {
      method,
      runs: runs.length,
      kFaithfulness: ks((r) => r.kFaithfulness),
      kCompleteness: ks((r) => r.kCompleteness),
      faithfulness: meanCurve(runs.map((r) => r.faithfulness)),
      completeness: meanCurve(runs.map((r) => r.completeness)),
    };
  });
}

/** Share of positive attribution per layer, averaged over images. */
export function layerProfile(results: readonly EvaluateResult[]): number[] {
  const layers = results[0]?.layers ?? 0;
  const shares = results.map((r) => {
    const scores = r.rankings.find((k) => k.method === "attribution")!.scores!;
    const positive = scores.map((row) => row.reduce((s, v) => s + Math.max(0, v), 0));
    const total = positive.reduce((a, b) => a + b, 0);
    return positive.map((p) => (total > 0 ? p / total : 0));
  });
  return Array.from({ length: layers }, (_, l) => mean(shares.map((s) => s[l]!)));
}

/** Mean attribution score of every head over images, [layer][head]. */
export function meanScores(results: readonly EvaluateResult[]): number[][] {
  const grids = results.map((r) => r.rankings.find((k) => k.method === "attribution")!.scores!);
  return grids[0]!.map((row, l) => row.map((_, h) => mean(grids.map((g) => g[l]![h]!))));
}

export function finding1(results: readonly EvaluateResult[]) {
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
  const both = (s: typeof attribution) => (s.kFaithfulness + s.kCompleteness) / 2;
  const verdicts: Verdict[] = [
    {
      claim: "A distinct subset of heads carries the image-to-text flow",
      agrees:
        attribution.kFaithfulness <= heads / 4 && attribution.kFaithfulness < random.kFaithfulness,
      criterion: `attribution reaches faithfulness 0.8 with at most a quarter of the heads (${heads / 4}) and with fewer than random orders`,
      evidence: `mean smallest k for faithfulness 0.8: attribution ${f1(attribution.kFaithfulness)}, random ${f1(random.kFaithfulness)} of ${heads} heads (completeness 0.8: attribution ${f1(attribution.kCompleteness)}, random ${f1(random.kCompleteness)})`,
    },
    {
      claim: "Important heads sit mostly in middle-to-late layers",
      agrees: lateShare > 0.5 && lateShare > (layers - early) / layers,
      criterion: `layers ${early}..${layers - 1} hold more than half of the positive attribution and more than their share of the heads (${f3((layers - early) / layers)})`,
      evidence: `share of positive attribution in layers ${early}..${layers - 1}: ${f3(lateShare)}; per layer ${profile.map(f3).join(", ")}`,
    },
    {
      claim: "Attention weight is a poor guide to importance",
      agrees: both(attention) > both(attribution) && !(Math.abs(attentionR) >= 0.5),
      criterion:
        "ranking by attention weight needs more heads than attribution (mean of the smallest k for faithfulness 0.8 and for completeness 0.8), and |Pearson r| of attention weight vs attribution < 0.5",
      evidence: `smallest k (faithfulness / completeness): attention ${f1(attention.kFaithfulness)} / ${f1(attention.kCompleteness)}, attribution ${f1(attribution.kFaithfulness)} / ${f1(attribution.kCompleteness)}, single-head ${f1(by("single-head").kFaithfulness)} / ${f1(by("single-head").kCompleteness)}; r(attention, attribution) = ${f3(attentionR)}`,
    },
  ];
  return { verdicts, summary, profile, attentionR, early };
}

export function finding2(sets: SetsResult, label: string): Verdict {
  const test = sets.test;
  return {
    claim: "Head selection follows semantic content (category) rather than appearance (style)",
    agrees: test ? test.difference > 0 && test.pValue < 0.05 : null,
    criterion:
      "mean similarity of same-category/different-style pairs exceeds that of same-style/different-category pairs, one-sided permutation p < 0.05",
    evidence: test
      ? `${label}: same category, different style ${f3(test.sameCategoryDifferentStyle.mean)} (${test.sameCategoryDifferentStyle.pairs} pairs); same style, different category ${f3(test.sameStyleDifferentCategory.mean)} (${test.sameStyleDifferentCategory.pairs} pairs); difference ${f3(test.difference)}, p = ${f3(test.pValue)} (${test.permutations} permutations)`
      : `${label}: no test, the images lack one kind of pair`,
  };
}

/**
 * Where along the depth a knockout curve drops: the drop-weighted mean window start,
 * sum(l * max(0, -c_l)) / sum(max(0, -c_l)); null when nothing drops. Unlike the argmax it
 * does not jump between two near-equal windows.
 */
export function dropCentre(change: readonly number[]): number | null {
  let weight = 0;
  let sum = 0;
  change.forEach((c, l) => {
    const drop = Math.max(0, -c);
    weight += drop;
    sum += l * drop;
  });
  return weight > 0 ? sum / weight : null;
}

export interface PairSummary {
  pair: string;
  curve: number[];
  /** Window start with the most negative mean change, and that change. */
  strongestLayer: number;
  strongestChange: number;
  centre: number | null;
}

/** Knockout curves of one image, by "source->target" pair name. */
export interface CurveSet {
  curves: { pair: string; change: readonly number[] }[];
}

/**
 * The curves of a flow result. `wholeImage`: the run's object mask was every patch, so
 * its imageObject group is the whole image; its pairs are named `image->...` (and the
 * empty background group's pairs dropped).
 */
export function curveSet(flow: FlowResult, wholeImage = false): CurveSet {
  return {
    curves: flow.curves
      .filter(
        (c) => !wholeImage || (c.source !== "imageBackground" && c.target !== "imageBackground"),
      )
      .map((c) => {
        const name = (g: string) => (wholeImage && g === "imageObject" ? "image" : g);
        return { pair: `${name(c.source)}->${name(c.target)}`, change: c.change };
      }),
  };
}

/** The curves of several runs on one image together (first run wins a repeated pair). */
export function joinCurveSets(...sets: readonly CurveSet[]): CurveSet {
  const seen = new Set<string>();
  return {
    curves: sets.flatMap((s) =>
      s.curves.filter((c) => !seen.has(c.pair) && (seen.add(c.pair), true)),
    ),
  };
}

/** Mean change curve per pair over images (pairs of the first image, in its order). */
export function flowSummary(results: readonly CurveSet[]): PairSummary[] {
  return results[0]!.curves.map(({ pair }) => {
    const curve = meanCurve(
      results.map((r) => {
        const c = r.curves.find((x) => x.pair === pair);
        if (!c) throw new Error(`flow results differ: one image has no ${pair} curve`);
        return c.change;
      }),
    ) as number[];
    let at = 0;
    curve.forEach((v, l) => {
      if (v < curve[at]!) at = l;
    });
    return {
      pair,
      curve,
      strongestLayer: at,
      strongestChange: curve[at]!,
      centre: dropCentre(curve),
    };
  });
}

/**
 * Text reaching the answer position(s), and image information reaching them: through the
 * whole image (a run whose object mask is every patch), or through the object or the
 * background patches alone.
 */
export const TEXT_ROUTES = ["question->role", "question->final"];
export const IMAGE_ROUTES = [
  "image->role",
  "image->final",
  "imageObject->role",
  "imageObject->final",
  "imageBackground->role",
  "imageBackground->final",
];
/** A route counts as used when blocking it lowers p(answer) by more than this (relative). */
export const VISIBLE_DROP = 0.05;

/** The route among `pairs` whose mean curve drops most (undefined if none is present). */
function dominant(summary: readonly PairSummary[], pairs: readonly string[]) {
  return summary
    .filter((s) => pairs.includes(s.pair))
    .reduce<PairSummary | undefined>(
      (best, s) => (best === undefined || s.strongestChange < best.strongestChange ? s : best),
      undefined,
    );
}

/** Finding 3 on one set of flow results (one window size), a CurveSet per image. */
export function flowOrder(results: readonly CurveSet[]) {
  const summary = flowSummary(results);
  const text = dominant(summary, TEXT_ROUTES);
  const image = dominant(summary, IMAGE_ROUTES);
  const visible =
    text !== undefined &&
    image !== undefined &&
    text.strongestChange < -VISIBLE_DROP &&
    image.strongestChange < -VISIBLE_DROP;
  const agrees =
    text === undefined || image === undefined
      ? null
      : visible && text.centre !== null && image.centre !== null && text.centre < image.centre;
  // The same comparison on every image alone, for how consistent the ordering is.
  const perImage = results.map((r) => {
    const one = flowSummary([r]);
    const t = dominant(one, TEXT_ROUTES);
    const i = dominant(one, IMAGE_ROUTES);
    return t?.centre != null && i?.centre != null ? t.centre < i.centre : null;
  });
  return { summary, text, image, visible, agrees, perImage };
}

export function finding3(results: readonly CurveSet[]) {
  const order = flowOrder(results);
  const { text, image } = order;
  const earlier = order.perImage.filter((x) => x === true).length;
  const verdict: Verdict = {
    claim:
      "Text information reaches the role and final tokens first; image information arrives later",
    agrees: order.agrees,
    criterion: `of the routes question -> role/final, take the one whose blocking drops p(answer) most, and likewise of the image routes (whole image, object or background patches -> role/final); both drop by more than ${VISIBLE_DROP * 100}% somewhere, and the text route's drop-weighted mean window start (its "centre") is earlier than the image route's`,
    evidence:
      text && image
        ? `text route ${text.pair}: largest drop ${f3(text.strongestChange)} at window start ${text.strongestLayer}, centre ${f1(text.centre)}; image route ${image.pair}: largest drop ${f3(image.strongestChange)} at ${image.strongestLayer}, centre ${f1(image.centre)}; text centre earlier on ${earlier} of ${order.perImage.length} images alone`
        : "a route is missing from the flow results",
  };
  return { ...order, verdict };
}

/** Relative numbers of one patches result: drops and what is kept. */
export function patchNumbers(r: PatchesResult) {
  const p = r.cleanProbability;
  return {
    objectDrop: r.object.drop / p,
    backgroundDrop: r.background.drop / p,
    wholeDrop: r.wholeImage.drop / p,
    // Blocking the background leaves only the object patches readable, and vice versa.
    objectOnlyKeeps: r.background.probability / p,
    backgroundOnlyKeeps: r.object.probability / p,
  };
}

/** Every result's numbers, and their means. */
export function patchSummary(results: readonly PatchesResult[]) {
  const rows = results.map(patchNumbers);
  const avg = (key: keyof ReturnType<typeof patchNumbers>) => mean(rows.map((r) => r[key]));
  return {
    rows,
    objectDrop: avg("objectDrop"),
    backgroundDrop: avg("backgroundDrop"),
    wholeDrop: avg("wholeDrop"),
    objectOnlyKeeps: avg("objectOnlyKeeps"),
    backgroundOnlyKeeps: avg("backgroundOnlyKeeps"),
  };
}

/** Carries: with only that group readable, p(answer) keeps at least this share of its value. */
export const CARRIES = 0.5;

export function finding4(results: readonly PatchesResult[]): Verdict {
  const s = patchSummary(results);
  return {
    claim: "Image information is read from both object tokens and background tokens",
    agrees:
      s.wholeDrop > CARRIES && s.objectOnlyKeeps >= CARRIES && s.backgroundOnlyKeeps >= CARRIES,
    criterion: `the answer needs the image (blocking text -> all patches in every layer lowers p(answer) by more than ${CARRIES * 100}%), and each group alone carries it: with only the object patches readable, and with only the background patches readable, p(answer) keeps at least ${CARRIES * 100}% of its clean value (means over images)`,
    evidence: `blocking all patches: drop ${f3(s.wholeDrop)}; only object patches readable: keeps ${f3(s.objectOnlyKeeps)}; only background readable: keeps ${f3(s.backgroundOnlyKeeps)}. Needed in the intact model: blocking the object patches alone drops p by ${f3(s.objectDrop)}, the background alone by ${f3(s.backgroundDrop)}`,
  };
}

/** Window-size sweep: per w, the key routes' strongest drop and the finding-3 outcome. */
export function windowSweep(byWindow: ReadonlyMap<number, readonly CurveSet[]>) {
  return [...byWindow.entries()].map(([window, results]) => {
    const order = flowOrder(results);
    const routes = [...TEXT_ROUTES, ...IMAGE_ROUTES].flatMap((pair) => {
      const s = order.summary.find((x) => x.pair === pair);
      return s ? [s] : [];
    });
    return {
      window,
      images: results.length,
      routes,
      text: order.text,
      image: order.image,
      agrees: order.agrees,
      perImageEarlier: order.perImage.filter((x) => x === true).length,
    };
  });
}
