/**
 * `npm run findings`: regenerates docs/FINDINGS.md (and its SVG figures and the CLI JSON
 * behind every number) from `headflow ask`, `evaluate`, `flow`, `patches` and `sets` runs
 * on the bundled model, testing the paper's four findings (docs/PAPER.md).
 *
 *   npx tsx scripts/findings.ts [--quick] [--images N] [--model DIR] [--out FILE]
 *
 * Only images whose object question the model answers correctly are analysed (see
 * findings/selection.ts); --images N caps how many gallery images are used (default: all
 * correct ones). --quick: 2 images, 100 attribution masks, 999 permutations, to check the
 * pipeline in well under a minute; its numbers are not evidence.
 * Runs end to end with no manual step: replace the bundle, run it, commit docs/.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { EvaluateResult, FlowResult, PatchesResult, SetsResult } from "../src/engine";
import { cliRunner } from "./findings/cli-runner";
import { modelIdentity } from "./findings/model-identity";
import { writeReport } from "./findings/report";
import {
  checkGallery,
  correctSetItems,
  type GallerySample,
  type SetListItem,
} from "./findings/selection";
import { TEXT_ROUTES } from "./findings/summaries";

/** Pairs of the whole-image runs; their imageObject group is the whole image. */
const WHOLE_IMAGE_PAIRS = [
  ...TEXT_ROUTES,
  "imageObject->role",
  "imageObject->final",
  "imageObject->question",
];

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
// Start clean, so no file of an earlier run (another model, more images) survives.
rmSync(data, { recursive: true, force: true });
mkdirSync(data, { recursive: true });
for (const name of readdirSync(figures)) {
  if (name.endsWith(".svg")) rmSync(join(figures, name));
}
const maxImages = values.images !== undefined ? Number(values.images) : quick ? 2 : Infinity;
if (!(maxImages >= 1)) throw new Error(`--images must be a positive number, got ${values.images}`);
const samples = quick ? "100" : "1000";
const permutations = quick ? "999" : "10000";
const log = (text: string) => process.stderr.write(`findings: ${text}\n`);
const started = performance.now();

const manifest = JSON.parse(readFileSync(join(modelDir, "headflow.json"), "utf8")) as {
  reference: string[];
  layers: number;
  image: { tokens: number };
  questions: { id: string; template: string }[];
};
const question = (id: string) => {
  const q = manifest.questions.find((x) => x.id === id);
  if (!q) throw new Error(`the model has no "${id}" question`);
  return q.template;
};
const objectQuestion = question("object");
const colourQuestion = question("color");
const baseline = manifest.reference.length > 0 ? "mean" : "blank";
const identity = await modelIdentity(modelDir);
const cli = cliRunner(modelDir, data);

// Which gallery images the model answers correctly (object and colour questions).
const galleryDir = join(ROOT, "public/samples");
log("asking the gallery questions");
const gallery = checkGallery(
  JSON.parse(readFileSync(join(galleryDir, "samples.json"), "utf8")) as GallerySample[],
  await cli.ask("ask-object", ["--images", galleryDir, "--question", objectQuestion, "--top", "1"]),
  await cli.ask("ask-colour", ["--images", galleryDir, "--question", colourQuestion, "--top", "1"]),
);
const selected = gallery.filter((g) => g.correct).slice(0, maxImages);
if (selected.length === 0) {
  throw new Error(
    "the model answers no gallery image's object question correctly: nothing to analyse",
  );
}
const imagePath = (file: string) => join(galleryDir, file);

const evaluations: EvaluateResult[] = [];
const flows: FlowResult[] = [];
const patches: PatchesResult[] = [];
const colourPatches: PatchesResult[] = [];
// Whole-image knockout runs (the object mask is every patch) for each window size: the
// measurement behind the flow default and finding 3's image routes.
const wholeImage = new Map<number, FlowResult[]>();
const windows = Array.from({ length: Math.min(4, manifest.layers) }, (_, i) => i + 1);
for (const w of windows) wholeImage.set(w, []);
const everyPatch = Array.from({ length: manifest.image.tokens }, (_, p) => p).join(",");
for (const [i, image] of selected.entries()) {
  log(`image ${i + 1}/${selected.length}: ${image.file} (${image.category})`);
  const common = ["--image", imagePath(image.file), "--question", objectQuestion];
  const tag = image.file.replace(/\.png$/, "");
  evaluations.push(
    await cli.analysis(`evaluate-${tag}`, [
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
  flows.push(await cli.analysis<FlowResult>(`flow-${tag}`, ["flow", ...common]));
  patches.push(await cli.analysis(`patches-${tag}`, ["patches", ...common]));
  if (image.colourCorrect) {
    colourPatches.push(
      await cli.analysis(`patches-colour-${tag}`, [
        "patches",
        "--image",
        imagePath(image.file),
        "--question",
        colourQuestion,
      ]),
    );
  }
  for (const w of windows) {
    wholeImage
      .get(w)!
      .push(
        await cli.analysis(`flow-image-window-${w}-${tag}`, [
          "flow",
          ...common,
          "--window",
          String(w),
          "--object-patches",
          everyPatch,
          "--pairs",
          WHOLE_IMAGE_PAIRS.join(","),
        ]),
      );
  }
}

// Image sets: every image, then only the correctly answered ones (the list is rebuilt from
// the first run's answers and kept beside the results).
const setsList = join(ROOT, "public/samples/sets/labels.json");
const setsArgs = [
  "sets",
  "--question",
  objectQuestion,
  "--baseline",
  baseline,
  "--samples",
  samples,
  "--permutations",
  permutations,
];
log("image sets: all images");
const setsAll = await cli.analysis<SetsResult>("sets-all", [...setsArgs, "--list", setsList]);
const correctList = join(data, "sets-correct-list.json");
const correctItems = correctSetItems(
  JSON.parse(readFileSync(setsList, "utf8")) as SetListItem[],
  setsAll,
  (file) => relative(data, join(dirname(setsList), file)),
);
writeFileSync(correctList, `${JSON.stringify(correctItems, null, 2)}\n`);
log(`image sets: the ${correctItems.length} correctly answered images`);
const setsCorrect =
  correctItems.length >= 2
    ? await cli.analysis<SetsResult>("sets-correct", [...setsArgs, "--list", correctList])
    : null;

const seconds = (performance.now() - started) / 1000;
await writeReport({
  outFile,
  figures,
  quick,
  command: `npm run findings${quick ? " -- --quick" : values.images ? ` -- --images ${values.images}` : ""}`,
  seconds,
  identity,
  baseline,
  samples: Number(samples),
  gallery,
  selected,
  evaluations,
  flows,
  patches,
  colourPatches,
  wholeImage,
  setsAll,
  setsCorrect,
});
log(`wrote ${relative(ROOT, outFile)} and ${relative(ROOT, figures)}/ in ${seconds.toFixed(0)} s`);
