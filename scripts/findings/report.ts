/**
 * docs/FINDINGS.md and its SVG figures, from the CLI results the findings script
 * collected. Every number printed here is read from those results (or is a mean of them);
 * the text around the numbers only states which way each criterion went.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import {
  maxOf,
  type EvaluateResult,
  type FlowResult,
  type PatchesResult,
  type SetsResult,
} from "../../src/engine";
import type { ModelIdentity } from "./model-identity";
import type { GalleryCheck } from "./selection";
import {
  CARRIES,
  IMAGE_ROUTES,
  TEXT_ROUTES,
  VISIBLE_DROP,
  curveSet,
  f1,
  f3,
  finding1,
  finding2,
  finding3,
  finding4,
  joinCurveSets,
  meanScores,
  patchSummary,
  windowSweep,
  type Verdict,
} from "./summaries";
import { barChart, heatmap, lineChart } from "./svg";

export interface ReportInput {
  outFile: string;
  figures: string;
  quick: boolean;
  command: string;
  seconds: number;
  identity: ModelIdentity;
  baseline: string;
  samples: number;
  gallery: GalleryCheck[];
  selected: GalleryCheck[];
  evaluations: EvaluateResult[];
  flows: FlowResult[];
  patches: PatchesResult[];
  colourPatches: PatchesResult[];
  /** Per window size, a whole-image knockout run per image (object mask = every patch). */
  wholeImage: Map<number, FlowResult[]>;
  setsAll: SetsResult;
  setsCorrect: SetsResult | null;
}

const table = (rows: string[][]) =>
  [rows[0]!, rows[0]!.map(() => "---"), ...rows.slice(1)]
    .map((r) => `| ${r.join(" | ")} |`)
    .join("\n");

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Images ordered by category, then style, so blocks show in the similarity heatmap. */
function similarityFigure(title: string, sets: SetsResult): string {
  const order = sets.images
    .map((im, i) => ({ i, key: `${im.category ?? ""}\u0000${im.style ?? ""}` }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
    .map((x) => x.i);
  return heatmap(
    title,
    order.map((r) => order.map((c) => sets.similarity[r]![c]!)),
    order.map((i) => `${sets.images[i]!.category ?? "?"} / ${sets.images[i]!.style ?? "?"}`),
    order.map(() => ""),
    9,
    [],
    true,
  );
}

export async function writeReport(input: ReportInput): Promise<void> {
  const { figures, evaluations, flows, patches, setsAll, setsCorrect } = input;
  const one = finding1(evaluations);
  const twoSets = setsCorrect ?? setsAll;
  const two = finding2(
    twoSets,
    setsCorrect ? `${setsCorrect.images.length} correctly answered images` : "all images",
  );
  const twoAll = finding2(setsAll, `all ${setsAll.images.length} images`);
  const defaultWindow = flows[0]!.window;
  const wholeDefault = input.wholeImage.get(defaultWindow);
  if (!wholeDefault) throw new Error(`no whole-image runs at the default window ${defaultWindow}`);
  const flowSets = flows.map((f, i) =>
    joinCurveSets(curveSet(f), curveSet(wholeDefault[i]!, true)),
  );
  const three = finding3(flowSets);
  const four = finding4(patches);
  const fourNumbers = patchSummary(patches);
  const colour = patchSummary(input.colourPatches);
  const sweep = windowSweep(
    new Map([...input.wholeImage].map(([w, runs]) => [w, runs.map((r) => curveSet(r, true))])),
  );
  const heads = evaluations[0]!.layers * evaluations[0]!.heads;
  const layers = evaluations[0]!.layers;
  const names = input.selected.map((g) => g.file);

  const figure = (name: string, svg: string) => {
    writeFileSync(join(figures, name), svg);
    return `![${name}](findings/${name})`;
  };
  const ks = Array.from({ length: heads + 1 }, (_, k) => k);
  const curves = (pick: "faithfulness" | "completeness") =>
    one.summary.map((s) => ({ label: s.method, values: s[pick], dashed: s.method === "random" }));
  const fig1a = figure(
    "1-faithfulness.svg",
    lineChart(
      "Faithfulness(k): only the top-k heads intact",
      ks,
      curves("faithfulness"),
      "k (heads kept)",
      "faithfulness",
      [-0.25, 1.25],
    ),
  );
  const fig1b = figure(
    "1-completeness.svg",
    lineChart(
      "Completeness(k): the top-k heads ablated",
      ks,
      curves("completeness"),
      "k (heads ablated)",
      "completeness",
      [-0.25, 1.25],
    ),
  );
  const fig1c = figure(
    "1-layers.svg",
    barChart(
      "Share of positive attribution per layer",
      one.profile.map((_, l) => `layer ${l}`),
      [{ label: "share", values: one.profile }],
      "share",
    ),
  );
  const fig1d = figure(
    "1-heads.svg",
    heatmap(
      `Mean attribution per head (${evaluations.length} images)`,
      meanScores(evaluations),
      Array.from({ length: layers }, (_, l) => `layer ${l}`),
      Array.from({ length: evaluations[0]!.heads }, (_, h) => `head ${h}`),
      22,
    ),
  );
  const fig2 = setsCorrect
    ? figure(
        "2-similarity.svg",
        similarityFigure(
          `Pearson similarity of attribution vectors, ${setsCorrect.images.length} correctly answered images`,
          setsCorrect,
        ),
      )
    : "";
  const fig2all = figure(
    "2-similarity-all.svg",
    similarityFigure(
      `Pearson similarity of attribution vectors, all ${setsAll.images.length} images`,
      setsAll,
    ),
  );
  const layersAxis = Array.from({ length: flows[0]!.layers }, (_, l) => l);
  const fig3 = figure(
    "3-flow.svg",
    lineChart(
      `Knockout, window ${defaultWindow}: mean relative change of p(answer)`,
      layersAxis,
      three.summary
        .filter((s) => TEXT_ROUTES.includes(s.pair) || IMAGE_ROUTES.includes(s.pair))
        .map((s) => ({ label: s.pair, values: s.curve, dashed: TEXT_ROUTES.includes(s.pair) })),
      "window start layer",
      "(p - p_clean) / p_clean",
    ),
  );
  const fig4a = figure(
    "4-object-background.svg",
    barChart(
      "Object question: p(answer) kept, as a share of p_clean",
      names.map((n) => n.replace(/\.png$/, "")),
      [
        { label: "only object readable", values: fourNumbers.rows.map((r) => r.objectOnlyKeeps) },
        {
          label: "only background readable",
          values: fourNumbers.rows.map((r) => r.backgroundOnlyKeeps),
        },
        { label: "no patch readable", values: fourNumbers.rows.map((r) => 1 - r.wholeDrop) },
      ],
      "p / p_clean",
    ),
  );
  const fig4b =
    input.colourPatches.length > 0
      ? figure(
          "4-colour-control.svg",
          barChart(
            "Control, colour question: p(answer) kept, as a share of p_clean",
            input.colourPatches.map((p) => p.image.name.replace(/\.png$/, "")),
            [
              { label: "only object readable", values: colour.rows.map((r) => r.objectOnlyKeeps) },
              {
                label: "only background readable",
                values: colour.rows.map((r) => r.backgroundOnlyKeeps),
              },
              { label: "no patch readable", values: colour.rows.map((r) => 1 - r.wholeDrop) },
            ],
            "p / p_clean",
          ),
        )
      : "";
  const [rows, cols] = patches[0]!.grid;
  const fig4c = figure(
    "4-contributions.svg",
    heatmap(
      `Per-patch contribution (p_clean - p_blocked), ${names[0]}`,
      patches[0]!.contributions,
      Array.from({ length: rows }, (_, r) => `row ${r}`),
      Array.from({ length: cols }, () => ""),
      22,
      patches[0]!.objectMask.patches,
    ),
  );

  // An untrained model can meet or miss a criterion, but that is no evidence about the
  // paper: say only whether the criterion was met, and why it means nothing.
  const outcome = (v: Verdict) =>
    v.agrees === null
      ? "not testable here"
      : input.identity.trained
        ? v.agrees
          ? "the bundled model agrees"
          : "the bundled model does NOT agree"
        : `criterion ${v.agrees ? "met" : "not met"} (untrained model: no evidence either way)`;
  const verdictLine = (v: Verdict) =>
    `- **${v.claim}: ${outcome(v)}.** ${v.evidence}. _Criterion: ${v.criterion}._`;

  const { identity } = input;
  const warning = identity.trained
    ? `Model: **${identity.id}**, bundle reports itself as trained (${identity.trainingNote}).`
    : `> **WARNING: generated from a RANDOM-INITIALISED (untrained) model.** ${identity.trainingNote}.\n> None of the verdicts below says anything about the paper: they only show that the\n> pipeline runs. Regenerate with \`npm run findings\` once the trained bundle is in place.`;
  const wrong = input.gallery.filter((g) => !g.correct);
  const correctCount = input.gallery.length - wrong.length;
  const setsCorrectCount = setsCorrect?.images.length ?? 0;
  const attribution = one.summary.find((s) => s.method === "attribution")!;
  const backups = attribution.kCompleteness > 2 * attribution.kFaithfulness;
  const styles = [...new Set(setsAll.images.map((im) => im.style ?? "?"))];
  const perStyle = styles
    .map((style) => {
      const of = setsAll.images.filter((im) => (im.style ?? "?") === style);
      return `${style} ${of.filter((im) => im.answer === im.category).length}/${of.length}`;
    })
    .join(", ");
  const colourLocalised = colour.backgroundDrop > 0.5 && Math.abs(colour.objectDrop) < 0.05;
  const contributionSum = patches[0]!.contributions.flat().reduce((a, b) => a + b, 0);

  // Reading the disagreements: each note appears only when the numbers it cites say so.
  const topLayer = one.profile.indexOf(maxOf(one.profile));
  const imageRoute = three.image;
  const notes: string[] = [];
  if (one.verdicts[1]!.agrees === false && topLayer < one.early) {
    notes.push(
      `**Where the heads sit.** Layer ${topLayer} alone holds ${percent(one.profile[topLayer]!)} of the positive attribution${imageRoute && imageRoute.strongestLayer < one.early ? `, and blocking ${imageRoute.pair} costs most at window start ${imageRoute.strongestLayer} (${percent(-imageRoute.strongestChange)} of p(answer))` : ""}: this model moves the image into the answer position at the bottom of its ${layers}-layer stack. A small model whose language model saw only a small generated corpus of one-word questions about simple scenes (not general text) has little need to build intermediate text representations before reading the image, which is a plausible reason it differs from the paper's large pretrained VLMs; it is not tested here.`,
    );
  }
  const attention = one.summary.find((s) => s.method === "attention")!;
  if (
    one.verdicts[2]!.agrees === false &&
    attention.kFaithfulness <= 1.5 * attribution.kFaithfulness
  ) {
    notes.push(
      `**Attention weight.** Ranking heads by the final token's attention to the image works about as well as attribution here (smallest k for faithfulness 0.8: ${f1(attention.kFaithfulness)} vs ${f1(attribution.kFaithfulness)}). When the image reaches the final token directly${imageRoute?.pair === "image->final" ? " (the dominant image route here is image->final)" : ""}, the heads that attend from it to the image are likely the ones that carry the answer; attention weight is more likely to mislead where image information is relayed through other tokens first, as the paper reports for large VLMs.`,
    );
  } else if (one.verdicts[2]!.agrees === false) {
    notes.push(
      `**Attention weight.** The attention ranking needs more heads than attribution for faithfulness 0.8, but the criterion fails on completeness or on the correlation of the two scores (r = ${f3(one.attentionR)}; smallest k for completeness 0.8: attention ${f1(attention.kCompleteness)}, attribution ${f1(attribution.kCompleteness)}).`,
    );
  }
  if (three.verdict.agrees === false && three.text && imageRoute) {
    const imageFirst =
      imageRoute.centre !== null &&
      three.text.centre !== null &&
      imageRoute.centre <= three.text.centre;
    notes.push(
      `**Order of arrival.** The image route's drop centre (${f1(imageRoute.centre)}) is ${imageFirst ? "earlier than or level with" : "later than"} the question's (${f1(three.text.centre)})${three.visible ? "" : `, but a route drops p(answer) by ${VISIBLE_DROP * 100}% or less, so the order is not established`}${imageFirst && three.visible ? ": the final token reads the image no later than it reads the question" : ""}.`,
    );
  }
  notes.push(
    `**How much this rests on.** ${evaluations.length} gallery images and ${setsCorrectCount} sample-set images, the ones the model answers correctly (the model card gives its held-out object accuracy). Verdicts decided on a handful of images can flip with a better checkpoint; the criteria and the per-image tables are there to check that.`,
  );

  const markdown = `# Findings: the paper's claims on the bundled model

_Generated by \`${input.command}\`${input.quick ? " (a small configuration: numbers are NOT evidence)" : ""} on ${new Date().toISOString()} in ${input.seconds.toFixed(0)} s; do not edit by hand._

${warning}

| model | value |
|---|---|
| manifest id | \`${identity.id}\` (${identity.name}) |
| SHA-256 of ${identity.files.join(", ")} | \`${identity.onnxSha256}\` |
| trained (per bundle) | ${identity.trained ? "yes" : "**no**"} |
| baseline | \`${input.baseline}\`${input.baseline === "blank" ? " (the bundle lists no reference images, so the mean baseline is unavailable)" : ""} |
| attribution masks per image | ${input.samples} |
| wall time (2-core CPU, shared with a training job) | ${input.seconds.toFixed(0)} s |

The JSON behind every number is in [findings/data/](findings/data/) (open any \`.json\` in the
HeadFlow UI; \`ask-*.jsonl\` are the \`headflow ask\` answers). Methods, defaults and the
window measurement: [ANALYSES.md](ANALYSES.md).

## Which images

The paper's task is the object question ("${evaluations[0]!.question}"), and the target is
the logit of the model's own answer. On an image it answers wrongly, the analyses would
trace how a wrong word is produced, so **every analysis below uses only images whose
object question the model answers correctly** (checked with \`headflow ask\` against the
scene metadata). The bundled model answers ${correctCount} of the ${input.gallery.length} gallery images correctly
(its measured held-out object accuracy is in the model card); the findings use
${input.selected.length}: ${names.map((n) => `\`${n}\``).join(", ")}. Left out (wrong answer): ${wrong.length ? wrong.map((g) => `\`${g.file}\` (${g.category}, ${g.style}: said "${g.answer}")`).join(", ") : "none"}.
Of the ${setsAll.images.length} images of the sample sets (\`public/samples/sets/\`), ${setsCorrectCount} are answered correctly; finding 2 is tested on those, with
the all-image result beside it.

## Verdicts

${[...one.verdicts, two, three.verdict, four].map(verdictLine).join("\n")}

## Reading the verdicts

${notes.join("\n\n")}

## 1. A distinct subset of heads, in middle-to-late layers; attention weight is a poor guide

\`headflow evaluate\` on each image (${input.samples} attribution masks; random: ${one.summary.find((s) => s.method === "random")!.runs} orders in all). Means over ${evaluations.length} images; the smallest k counts ${heads} when a ranking never reaches 0.8.

${table([
  [
    "ranking",
    "smallest k, faithfulness >= 0.8",
    "smallest k, completeness >= 0.8",
    "faithfulness(5)",
    "completeness(5)",
  ],
  ...one.summary.map((s) => [
    s.method,
    f1(s.kFaithfulness),
    f1(s.kCompleteness),
    f3(s.faithfulness[5] ?? null),
    f3(s.completeness[5] ?? null),
  ]),
])}

${table([
  ["image", "answer", "clean target", "all-ablated target", "attribution held-out r"],
  ...evaluations.map((e, i) => [
    names[i]!,
    e.answer.token,
    f3(e.clean),
    f3(e.allAblated),
    f3(e.attributionFit.heldOutR),
  ]),
])}

${evaluations.some((e) => Math.abs(e.clean - e.allAblated) < 0.05) ? "**Caution:** for some images the target barely moves when every head is ablated (|clean - all-ablated| < 0.05), so the 0..1 scale magnifies noise there.\n\n" : ""}${backups ? `By attribution, faithfulness 0.8 needs ${f1(attribution.kFaithfulness)} heads but completeness 0.8 needs ${f1(attribution.kCompleteness)}: a few heads suffice to carry the answer, yet ablating them leaves most of it, because other heads back them up (why single-head ablation finds little). ` : ""}Pearson r of the attention-weight score vs the attribution score, mean over images: ${f3(one.attentionR)}.

${fig1a}

${fig1b}

${fig1c}

${fig1d}

## 2. Semantic content rather than appearance

\`headflow sets\` (${input.samples} masks per image, the same mask seed for every image; ${twoSets.permutations} permutations). Sample sets: 4 categories x 5 training styles x 2 scenes.

- ${two.evidence}.
- ${twoAll.evidence}.

Correctly answered images per style: ${perStyle}. Where wrong answers cluster by style,
images a model gets wrong share a failure mode as well as a style, which confounds the
all-image comparison; the correctly answered subset is the test of the claim${setsCorrect ? "" : " (not available: fewer than 2 correct images)"}.

${fig2}

${fig2all}

## 3. Text reaches the role and final tokens before image information does

\`headflow flow\` (attention knockout, window w = ${defaultWindow} layers, object patches from the scene metadata), and a second run per image with every patch as the object (\`--object-patches 0,...,${patches[0]!.grid[0] * patches[0]!.grid[1] - 1}\`): its rows are named \`image->...\`, the whole image as one group, since finding 4 shows that object and background patches back each other up, so blocking either alone understates what reaches a token. Mean relative change of p(answer) per window start layer over ${flows.length} images:

${table([
  ["source -> target", ...layersAxis.map(String), "largest drop at", "centre"],
  ...three.summary.map((s) => [
    s.pair,
    ...s.curve.map((v) => v.toFixed(3)),
    String(s.strongestLayer),
    f1(s.centre),
  ]),
])}

"Centre" is the drop-weighted mean window start (where along the depth blocking the
route hurts); a route counts only where it drops p(answer) by more than ${VISIBLE_DROP * 100}%.

${fig3}

**Window size.** The same comparison for w = ${[...input.wholeImage.keys()].join(", ")} (the default is ${defaultWindow}; the
measurement behind the default, see ANALYSES.md), means over the same images:

${table([
  ["", ...sweep.map((s) => `w = ${s.window}`)],
  ...(sweep[0]?.routes ?? []).map(({ pair }) => [
    `largest drop, ${pair} (at)`,
    ...sweep.map((s) => {
      const r = s.routes.find((x) => x.pair === pair);
      return r ? `${f3(r.strongestChange)} (${r.strongestLayer})` : "n/a";
    }),
  ]),
  ["text route: centre", ...sweep.map((s) => `${s.text?.pair ?? "n/a"}: ${f1(s.text?.centre)}`)],
  ["image route: centre", ...sweep.map((s) => `${s.image?.pair ?? "n/a"}: ${f1(s.image?.centre)}`)],
  ["text earlier, images alone", ...sweep.map((s) => `${s.perImageEarlier} / ${s.images}`)],
  ["criterion", ...sweep.map((s) => (s.agrees === null ? "n/a" : s.agrees ? "met" : "not met"))],
])}

## 4. Object and background tokens are both read

\`headflow patches\` blocks the text's attention (every position after the image, every
layer) to the object patches, to the background patches, and to all patches. Object
patches: the scene's \`patchCoverage\` >= 0.5. Blocking one group leaves only the other
readable.

${table([
  [
    "image",
    "answer",
    "p clean",
    "object patches",
    "drop: object blocked",
    "drop: background blocked",
    "drop: all blocked",
  ],
  ...patches.map((p, i) => [
    names[i]!,
    p.answer.token,
    p.cleanProbability.toFixed(4),
    String(p.object.patches),
    percent(fourNumbers.rows[i]!.objectDrop),
    percent(fourNumbers.rows[i]!.backgroundDrop),
    percent(fourNumbers.rows[i]!.wholeDrop),
  ]),
])}

Drops are relative to p clean. ${four.agrees ? `Each group alone keeps at least ${CARRIES * 100}% of p(answer) while blocking both removes it, so the object's identity is readable from the background tokens too` : `The criterion is not met`}; in the intact model, blocking the object patches costs ${percent(fourNumbers.objectDrop)} and the background ${percent(fourNumbers.backgroundDrop)}. A VLM's image tokens come out of a vision encoder whose self-attention can spread the object's identity over every patch; this is the mechanism the paper proposes for background tokens carrying object information.

${fig4a}

${input.colourPatches.length === 0 ? "**Control (colour question):** not run: the model names the background colour of none of these images correctly.\n\n" : `**Control (colour question, ${input.colourPatches.length} of these images whose colour the model names correctly):** the same knockout with "What color is the background?", where the answer is in the background by construction. Mean drop with the object patches blocked: ${percent(colour.objectDrop)}; with the background blocked: ${percent(colour.backgroundDrop)}; all blocked: ${percent(colour.wholeDrop)}. ${colourLocalised ? "The knockout does find a group that is needed when there is one." : "The control does not single out the background, so the knockout's power to find a needed group is not shown on this model."}\n\n`}${fig4b}

Per-patch contributions (each patch blocked alone) on \`${names[0]}\`, object patches outlined; they sum to ${f3(contributionSum)} against a drop of ${f3(patches[0]!.wholeImage.drop)} for all patches together${contributionSum < 0.5 * patches[0]!.wholeImage.drop ? ", another sign that patches back each other up" : ""}.

${fig4c}
`;
  // Formatted with the project's Prettier settings, so \`prettier --check\` passes as written.
  const options = (await resolveConfig(input.outFile)) ?? {};
  writeFileSync(input.outFile, await format(markdown, { ...options, parser: "markdown" }));
}
