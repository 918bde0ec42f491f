/**
 * `headflow attribute --baselines mean,blank[,image:FILE]`: the same attribution (same
 * settings and seed, so the same masks) under each baseline, compared: the
 * `headflow.baselines/1` JSON the browser's "Baseline sensitivity" view exports.
 */
import {
  HeadflowError,
  MAX_BASELINES,
  baselineSensitivity,
  type AttributionSettings,
  type BaselineSpec,
  type TargetKind,
} from "../../engine";
import { requestFields } from "../analysis-options";
import { openBaseline } from "../context";
import { integerOption } from "../options";
import type { CliIo } from "../output";
import { runImageAnalysis, type ModelValues } from "../preamble";

export const BASELINES_OPTIONS = {
  baselines: { type: "string" },
  "top-k": { type: "string" },
} as const;

export const BASELINES_HELP = `  --baselines mean,blank[,image:FILE] runs the attribution once per baseline on the same
  masks and prints headflow.baselines/1: each run, Spearman's rho, Pearson's r and the
  top-k overlap (--top-k K, default 10) of every pair, and every head's rank under each.`;

/** The baselines as written, checked for count and repeats before any work. */
export function baselineList(text: string): string[] {
  const list = text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (list.length < 2 || list.length > MAX_BASELINES) {
    throw new HeadflowError(
      "bad-argument",
      `--baselines takes 2..${MAX_BASELINES} baselines, comma-separated (got ${list.length})`,
    );
  }
  const repeated = list.find((item, i) => list.indexOf(item) !== i);
  if (repeated !== undefined) {
    throw new HeadflowError("bad-argument", `--baselines names ${repeated} twice`);
  }
  return list;
}

export async function attributeBaselines(
  io: CliIo,
  options: ModelValues & {
    baselines: string;
    baseline?: string | undefined;
    "top-k"?: string | undefined;
    answer?: string | undefined;
  },
  request: {
    imagePath: string;
    settings: Partial<AttributionSettings>;
    target: TargetKind;
    signal?: AbortSignal | undefined;
  },
): Promise<number> {
  if (options.baseline !== undefined) {
    throw new HeadflowError("bad-argument", "give either --baseline or --baselines, not both");
  }
  const labels = baselineList(options.baselines);
  const topK =
    options["top-k"] === undefined
      ? undefined
      : integerOption("top-k", options["top-k"], 10, 1, 16_384);
  return runImageAnalysis(io, options, {
    label: "attribute",
    imagePath: request.imagePath,
    // Ctrl-C cancels the model load too (where the preamble takes a signal).
    ...(request.signal ? { signal: request.signal } : {}),
    prepare: async () => {
      const specs: BaselineSpec[] = [];
      for (const label of labels) specs.push(await openBaseline(label));
      return specs;
    },
    run: ({ headflow, image, prepared, bar }) =>
      baselineSensitivity(headflow, image, prepared, {
        settings: request.settings,
        target: request.target,
        ...(topK !== undefined ? { topK } : {}),
        ...requestFields(options, request.signal),
        onProgress: (index, { done, total }) =>
          bar.update(
            index * total + done,
            labels.length * total,
            `baseline ${labels[index]} (${index + 1}/${labels.length})`,
          ),
      }),
  });
}
