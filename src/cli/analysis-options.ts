/**
 * Options shared by the analysis commands (attribute, evaluate, flow, patches, sets): the
 * single-image inputs, attribution settings, the object mask, and writing the result (the
 * steps around them are in preamble.ts). One place, so every command parses, checks and
 * opens them the same way.
 */
import { basename, dirname, join } from "node:path";
import {
  DEFAULT_ATTRIBUTION,
  DEFAULT_COVERAGE_THRESHOLD,
  HeadflowError,
  MAX_ATTRIBUTION_SAMPLES,
  MAX_JSON_FILE_BYTES,
  errorMessage,
  parseObjectMask,
  type AttributionSettings,
  type Manifest,
  type ObjectMaskSpec,
} from "../engine";
import { readCheckedFile } from "../engine/node";
import { integerOption, numberOption, requireOption } from "./options";
import { printJson, writeFileAtomic, type CliIo } from "./output";

/** The options of every single-image analysis command. */
export const IMAGE_ANALYSIS_OPTIONS = {
  image: { type: "string" },
  question: { type: "string" },
  answer: { type: "string" },
  out: { type: "string" },
  model: { type: "string" },
} as const;

interface ImageAnalysisValues {
  image?: string | undefined;
  question?: string | undefined;
  answer?: string | undefined;
  out?: string | undefined;
  model?: string | undefined;
}

/** The optional request fields every analysis takes, without `undefined` keys. */
export interface AnalysisRequestFields {
  question?: string;
  answer?: string;
  signal?: AbortSignal;
}

export function requestFields(
  values: { question?: string | undefined; answer?: string | undefined },
  signal: AbortSignal | undefined,
): AnalysisRequestFields {
  return {
    ...(values.question !== undefined ? { question: values.question } : {}),
    ...(values.answer !== undefined ? { answer: values.answer } : {}),
    ...(signal ? { signal } : {}),
  };
}

/** `--image`, required; read first so a missing image is the first error reported. */
export function imagePathOf(values: ImageAnalysisValues): string {
  return requireOption("image", values.image);
}

const d = DEFAULT_ATTRIBUTION;

export const ATTRIBUTION_OPTIONS = {
  samples: { type: "string" },
  alpha: { type: "string" },
  seed: { type: "string" },
  holdout: { type: "string" },
  ridge: { type: "string" },
  batch: { type: "string" },
  stop: { type: "string" },
} as const;

export const ATTRIBUTION_OPTIONS_HELP = `--samples N (${d.samples}) --alpha A (${d.alpha}) --seed S (${d.seed}) --holdout F (${d.holdout}) --ridge R (${d.ridge}) --batch B (${d.batchSize}) --stop auto|off (${d.stop})`;

export function attributionSettings(values: {
  samples?: string | undefined;
  alpha?: string | undefined;
  seed?: string | undefined;
  holdout?: string | undefined;
  ridge?: string | undefined;
  batch?: string | undefined;
  stop?: string | undefined;
}): AttributionSettings {
  const stop = values.stop ?? d.stop ?? "off";
  if (stop !== "auto" && stop !== "off") {
    throw new HeadflowError("bad-argument", `--stop must be auto or off (got "${stop}")`);
  }
  return {
    samples: integerOption("samples", values.samples, d.samples, 10, MAX_ATTRIBUTION_SAMPLES),
    alpha: numberOption("alpha", values.alpha, d.alpha),
    seed: integerOption("seed", values.seed, d.seed, 0, 0xffffffff),
    holdout: numberOption("holdout", values.holdout, d.holdout),
    ridge: numberOption("ridge", values.ridge, d.ridge),
    batchSize: integerOption("batch", values.batch, d.batchSize, 1, 4096),
    stop,
  };
}

export const OBJECT_MASK_OPTIONS = {
  "object-patches": { type: "string" },
  "object-threshold": { type: "string" },
  "coverage-threshold": { type: "string" },
} as const;

export const OBJECT_MASK_HELP = `  Object patches, first that applies: --object-patches 3,4,11 or a 0/1 grid "00110000/..."
  (row-major over the patch grid); --object-threshold F: patches whose contribution (drop of
  the answer probability when text cannot read the patch) reaches F x the largest; the
  sample's patchCoverage >= --coverage-threshold (${DEFAULT_COVERAGE_THRESHOLD}) when samples.json or labels.json
  beside the image lists it; else the contribution map at 0.5.`;

interface SampleRecord {
  file?: unknown;
  patchCoverage?: unknown;
}

/**
 * The patchCoverage of a bundled sample, from the metadata beside the image (the gallery's
 * samples.json or a sample set's labels.json), matched by file name.
 */
export async function sceneCoverage(imagePath: string): Promise<number[] | null> {
  for (const name of ["samples.json", "labels.json"]) {
    const coverage = await coverageFrom(join(dirname(imagePath), name), basename(imagePath));
    if (coverage) return coverage;
  }
  return null;
}

/** patchCoverage of `file` in a gallery samples.json or a sample set's labels.json. */
async function coverageFrom(metadataPath: string, file: string): Promise<number[] | null> {
  let parsed: unknown;
  try {
    parsed = await readJsonFile(metadataPath);
  } catch {
    return null; // optional metadata: a missing or unreadable file means "no scene"
  }
  // The gallery writes a plain array; a wrapped {samples: [...]} form is read too.
  const list = Array.isArray(parsed)
    ? parsed
    : ((parsed as { samples?: unknown } | null)?.samples ?? []);
  if (!Array.isArray(list)) return null;
  const record = (list as SampleRecord[]).find((s) => s?.file === file);
  const coverage = record?.patchCoverage;
  return Array.isArray(coverage) && coverage.every((c) => typeof c === "number")
    ? (coverage as number[])
    : null;
}

export async function objectMaskSpec(
  values: {
    "object-patches"?: string | undefined;
    "object-threshold"?: string | undefined;
    "coverage-threshold"?: string | undefined;
  },
  imagePath: string,
  manifest: Manifest,
): Promise<ObjectMaskSpec> {
  if (values["object-patches"] !== undefined) {
    return {
      source: "mask",
      patches: parseObjectMask(values["object-patches"], manifest.image.grid),
    };
  }
  if (values["object-threshold"] !== undefined) {
    return {
      source: "contribution",
      threshold: numberOption("object-threshold", values["object-threshold"], 0.5),
    };
  }
  const threshold = numberOption(
    "coverage-threshold",
    values["coverage-threshold"],
    DEFAULT_COVERAGE_THRESHOLD,
  );
  if (!(threshold > 0 && threshold <= 1)) {
    throw new HeadflowError(
      "bad-argument",
      `--coverage-threshold must lie in (0, 1] (got ${threshold})`,
    );
  }
  const coverage = await sceneCoverage(imagePath);
  if (coverage) return { source: "scene", coverage, threshold };
  return { source: "contribution" };
}

/** The result as JSON on stdout, or written atomically to --out. */
export async function emitResult(
  io: CliIo,
  out: string | undefined,
  result: unknown,
): Promise<void> {
  if (out !== undefined) await writeFileAtomic(out, `${JSON.stringify(result, null, 2)}\n`);
  else printJson(io, result);
}

/**
 * Reads and parses a JSON file with a one-line error. Only a regular file within
 * MAX_JSON_FILE_BYTES is read (checked before reading: a FIFO, a device or a 700 MB file
 * is refused at once); text that is not UTF-8 or not JSON is named as such.
 */
export async function readJsonFile(path: string): Promise<unknown> {
  const bytes = await readCheckedFile(path, {
    maxBytes: MAX_JSON_FILE_BYTES,
    what: "JSON file",
    code: "bad-argument",
  });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HeadflowError("bad-argument", `${path} is not valid JSON: it is not UTF-8 text`);
  }
  if (text.trim() === "") {
    throw new HeadflowError("bad-argument", `${path} is not valid JSON: the file is empty`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HeadflowError("bad-argument", `${path} is not valid JSON: ${errorMessage(error)}`);
  }
}
