/**
 * `npm run findings`: regenerates docs/FINDINGS.md (and its SVG figures and the CLI JSON
 * behind every number) from `headflow evaluate`, `flow`, `patches` and `sets` runs on the
 * bundled model, testing the paper's four findings (shared/PAPER.md).
 *
 *   npx tsx scripts/findings.ts [--quick] [--images N] [--model DIR] [--out FILE]
 *
 * --quick: a small configuration (2 images, 100 attribution masks, 999 permutations) to
 * check the pipeline in under a minute or two; its numbers are not evidence.
 * The report starts with the model it was generated from (manifest id, SHA-256 of the
 * ONNX graphs, whether the bundle says it is trained), since conclusions drawn from a
 * random-initialised bundle mean nothing about the paper.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { EvaluateResult, FlowResult, PatchesResult, SetsResult } from "../src/engine";
import { parseAnalysisJson } from "../src/engine";
import { runCli } from "../src/cli/cli";
import { modelIdentity } from "./findings/model-identity";
import { finding1, finding2, finding3, finding4, type Verdict } from "./findings/summaries";
import { barChart, heatmap, lineChart } from "./findings/svg";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    images: { type: "string" },
    model: { type: "string" },
    out: { type: "string" },
  },
  strict: true,
});
const quick = values.quick;
const modelDir = resolve(values.model ?? join(ROOT, "public/models/emoji-vlm"));
const outFile = resolve(values.out ?? join(ROOT, "docs/FINDINGS.md"));
const figures = join(dirname(outFile), "findings");
const data = join(figures, "data");
mkdirSync(data, { recursive: true });
const imageCount = Number(values.images ?? (quick ? 2 : 5));
const samples = quick ? "100" : "1000";
const log = (text: string) => process.stderr.write(`findings: ${text}\n`);

/** Runs one CLI command with --out into data/, returning the parsed, validated JSON. */
async function cli<T>(name: string, argv: string[]): Promise<T> {
  const out = join(data, `${name}.json`);
  let stderr = "";
  const io = {
    stdout: (t: string) => void process.stdout.write(t),
    stderr: (t: string) => void (stderr += t),
    stderrIsTty: false,
  };
  const code = await runCli([...argv, "--model", modelDir, "--out", out], io);
  if (code !== 0) throw new Error(`headflow ${argv.join(" ")} failed (${code}): ${stderr.trim()}`);
  return parseAnalysisJson(JSON.parse(readFileSync(out, "utf8"))) as T;
}

const manifest = JSON.parse(readFileSync(join(modelDir, "headflow.json"), "utf8")) as {
  reference: string[];
  layers: number;
};
const baseline = manifest.reference.length > 0 ? "mean" : "blank";
const identity = await modelIdentity(modelDir);
const images = Array.from({ length: imageCount }, (_, i) =>
  join(ROOT, `public/samples/sample-${String(i).padStart(2, "0")}.png`),
);
const started = performance.now();

const evaluations: EvaluateResult[] = [];
const flows: FlowResult[] = [];
const patches: PatchesResult[] = [];
for (const [i, image] of images.entries()) {
  log(`image ${i + 1}/${images.length}: ${relative(ROOT, image)}`);
  const common = ["--image", image];
  evaluations.push(
    await cli(`evaluate-${i}`, [
      "evaluate",
      ...common,
      "--baseline",
      baseline,
      "--samples",
      samples,
      "--random",
      quick ? "2" : "5",
    ]),
  );
  flows.push(await cli(`flow-${i}`, ["flow", ...common]));
  patches.push(await cli(`patches-${i}`, ["patches", ...common]));
}
// Window sweep: how the strongest knockout drop of the key pairs depends on w (the
// measurement behind the flow default, on the first image).
const sweepPairs = "question->role,question->final,imageObject->final,imageBackground->final";
const windows = Array.from({ length: Math.min(4, manifest.layers) }, (_, i) => i + 1);
const sweep: FlowResult[] = [];
for (const w of windows) {
  log(`window sweep: w = ${w}`);
  sweep.push(
    await cli(`flow-window-${w}`, [
      "flow",
      "--image",
      images[0]!,
      "--window",
      String(w),
      "--pairs",
      sweepPairs,
    ]),
  );
}
log("image sets");
const setsArgs = [
  "sets",
  "--list",
  join(ROOT, "public/samples/sets/labels.json"),
  "--baseline",
  baseline,
  "--samples",
  samples,
];
const sets = await cli<SetsResult>("sets", [
  ...setsArgs,
  "--permutations",
  quick ? "999" : "10000",
]);

const one = finding1(evaluations);
const two = finding2(sets);
const three = finding3(flows);
const four = finding4(patches);

// Figures.
const heads = evaluations[0]!.layers * evaluations[0]!.heads;
const ks = Array.from({ length: heads + 1 }, (_, k) => k);
const figure = (name: string, svg: string) => {
  writeFileSync(join(figures, name), svg);
  return `![${name}](findings/${name})`;
};
const f1a = figure(
  "1-faithfulness.svg",
  lineChart(
    "Faithfulness(k): only the top-k heads intact",
    ks,
    one.summary.map((s) => ({
      label: s.method,
      values: s.faithfulness,
      dashed: s.method === "random",
    })),
    "k (heads kept)",
    "faithfulness",
    [-0.25, 1.25],
  ),
);
const f1b = figure(
  "1-completeness.svg",
  lineChart(
    "Completeness(k): the top-k heads ablated",
    ks,
    one.summary.map((s) => ({
      label: s.method,
      values: s.completeness,
      dashed: s.method === "random",
    })),
    "k (heads ablated)",
    "completeness",
    [-0.25, 1.25],
  ),
);
const f1c = figure(
  "1-layers.svg",
  barChart(
    "Share of positive attribution per layer",
    one.profile.map((_, l) => String(l)),
    [{ label: "share", values: one.profile }],
    "share",
  ),
);
const order = sets.images.map((_, i) => i);
const f2 = figure(
  "2-similarity.svg",
  heatmap(
    "Pearson similarity of attribution vectors",
    sets.similarity,
    sets.images.map((im) => `${im.category ?? "?"} / ${im.style ?? "?"}`),
    order.map(() => ""),
    9,
  ),
);
const layersAxis = Array.from({ length: flows[0]!.layers }, (_, l) => l);
const f3 = figure(
  "3-flow.svg",
  lineChart(
    `Knockout (window ${flows[0]!.window}): relative change of p(answer)`,
    layersAxis,
    three.summary
      .filter((s) => /->(final|role)$/.test(s.pair))
      .map((s) => ({ label: s.pair, values: s.curve })),
    "window start layer",
    "(p - p_clean) / p_clean",
  ),
);
const [rows, cols] = patches[0]!.grid;
const f4a = figure(
  "4-object-background.svg",
  barChart(
    "Relative drop of p(answer) when text cannot read...",
    patches.map((_, i) => `image ${i}`),
    [
      { label: "object patches", values: patches.map((p) => p.object.drop / p.cleanProbability) },
      { label: "background", values: patches.map((p) => p.background.drop / p.cleanProbability) },
      { label: "all patches", values: patches.map((p) => p.wholeImage.drop / p.cleanProbability) },
    ],
    "drop / p_clean",
  ),
);
const f4b = figure(
  "4-contributions.svg",
  heatmap(
    `Per-patch contribution (p_clean - p_blocked), ${relative(ROOT, images[0]!)}`,
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
    : identity.trained
      ? v.agrees
        ? "the bundled model agrees"
        : "the bundled model does NOT agree"
      : `criterion ${v.agrees ? "met" : "not met"} (untrained model: no evidence either way)`;
const verdictLine = (v: Verdict) =>
  `- **${v.claim}: ${outcome(v)}.** ${v.evidence}. _Criterion: ${v.criterion}._`;
const table = (rowsOf: string[][]) =>
  [rowsOf[0]!, rowsOf[0]!.map(() => "---"), ...rowsOf.slice(1)]
    .map((r) => `| ${r.join(" | ")} |`)
    .join("\n");
const fmt = (x: number | null) => (x === null || !Number.isFinite(x) ? "n/a" : x.toFixed(3));

const warning = identity.trained
  ? `Model: **${identity.id}**, bundle reports itself as trained (${identity.trainingNote}).`
  : `> **WARNING: generated from a RANDOM-INITIALISED (untrained) model.** ${identity.trainingNote}.\n> None of the verdicts below says anything about the paper: they only show that the\n> pipeline runs. Regenerate with \`npm run findings\` once the trained bundle is in place.`;

const markdown = `# Findings: the paper's claims on the bundled model

_Generated by \`npm run findings\`${quick ? " with --quick (a small configuration: numbers are NOT evidence)" : ""} on ${new Date().toISOString()}; do not edit by hand._

${warning}

| model | value |
|---|---|
| manifest id | \`${identity.id}\` (${identity.name}) |
| SHA-256 of ${identity.files.join(", ")} | \`${identity.onnxSha256}\` |
| trained (per bundle) | ${identity.trained ? "yes" : "**no**"} |
| baseline | \`${baseline}\`${baseline === "blank" ? " (the bundle lists no reference images, so the mean baseline is unavailable)" : ""} |
| images | ${images.map((p) => `\`${relative(ROOT, p)}\``).join(", ")}; sets: \`public/samples/sets/labels.json\` (${sets.total} images) |
| attribution masks per image | ${samples} |
| wall time | ${((performance.now() - started) / 1000).toFixed(0)} s |

The JSON behind every number is in [findings/data/](findings/data/) (open any file in the
HeadFlow UI). Methods and defaults: [ANALYSES.md](ANALYSES.md).

## Verdicts

${[...one.verdicts, two, three.verdict, four].map(verdictLine).join("\n")}

## 1. A distinct subset of heads, in middle-to-late layers; attention weight is a poor guide

Mean over ${evaluations.length} images (random: over ${one.summary.find((s) => s.method === "random")!.runs} orders). The smallest k counts ${heads} when a ranking never reaches 0.8.

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
    s.kFaithfulness.toFixed(1),
    s.kCompleteness.toFixed(1),
    fmt(s.faithfulness[5] ?? null),
    fmt(s.completeness[5] ?? null),
  ]),
])}

${evaluations.some((e) => Math.abs(e.clean - e.allAblated) < 0.05) ? "**Caution:** for some images the target barely moves when every head is ablated (|clean - all-ablated| < 0.05), so the 0..1 scale magnifies noise: faithfulness and completeness there are not meaningful.\n\n" : ""}Attribution fit (held-out Pearson r) per image: ${evaluations.map((e) => fmt(e.attributionFit.heldOutR)).join(", ")}. Clean vs all-ablated target per image: ${evaluations.map((e) => `${e.clean.toFixed(3)} / ${e.allAblated.toFixed(3)}`).join(", ")}. Pearson r of attention weight vs attribution (mean): ${fmt(one.attentionR)}.

${f1a}

${f1b}

${f1c}

## 2. Semantic content rather than appearance

${two.evidence}.

${f2}

## 3. Text reaches the role and final tokens before image information does

Mean relative change of the answer probability per window start layer (window ${flows[0]!.window} layers), over ${flows.length} images:

${table([
  ["source -> target", ...layersAxis.map(String), "largest drop at"],
  ...three.summary.map((s) => [
    s.pair,
    ...s.curve.map((v) => v.toFixed(3)),
    String(s.strongestLayer),
  ]),
])}

${f3}

Window size: the strongest drop (most negative relative change over start layers) of each
pair on \`${relative(ROOT, images[0]!)}\`, for w = ${windows.join(", ")} (the default is ${flows[0]!.window}):

${table([
  ["source -> target", ...windows.map((w) => `w = ${w}`)],
  ...sweep[0]!.curves.map((c, i) => [
    `${c.source}->${c.target}`,
    ...sweep.map((r) => Math.min(...r.curves[i]!.change).toFixed(3)),
  ]),
])}

## 4. Object and background tokens are both read

${table([
  [
    "image",
    "answer",
    "p clean",
    "object patches (n)",
    "drop: object",
    "drop: background",
    "drop: all patches",
    "mask from",
  ],
  ...patches.map((p, i) => [
    relative(ROOT, images[i]!),
    p.answer.token,
    p.cleanProbability.toFixed(4),
    String(p.object.patches),
    (p.object.drop / p.cleanProbability).toFixed(3),
    (p.background.drop / p.cleanProbability).toFixed(3),
    (p.wholeImage.drop / p.cleanProbability).toFixed(3),
    p.objectMask.source,
  ]),
])}

Drops are relative to the clean probability. ${f4a}

${f4b}
`;
writeFileSync(outFile, markdown);
log(
  `wrote ${relative(ROOT, outFile)} and ${relative(ROOT, figures)}/ in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
