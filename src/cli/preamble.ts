/**
 * The steps the analysis commands share, in the order that reports the first user error
 * first: `--out` checked and the model opened (on `--device`) before any work, the
 * question checked against the vocabulary, model-dependent options, the baseline, the
 * image last; then the analysis under a progress bar and the result emitted.
 */
import { totalmem } from "node:os";
import { Headflow, HeadflowError, nodeMemory, type BaselineSpec, type NamedImage } from "../engine";
import { isThirdPartyLocation, nodeImageDecoder } from "../engine/node";
import { emitResult } from "./analysis-options";
import { openBaseline, openImage, openModel } from "./context";
import { chooseDevice, deviceLoadError } from "./device";
import { checkWritableTarget, type CliIo } from "./output";
import { ProgressBar } from "./progress";

/** `--model`, `--device` and `--dtype`, which every command that runs the model takes. */
export const MODEL_OPTIONS = {
  model: { type: "string" },
  device: { type: "string" },
  dtype: { type: "string" },
} as const;

export interface ModelValues {
  model?: string | undefined;
  device?: string | undefined;
  /** A transformers.js export's graph variant (auto: its config's, then the order). */
  dtype?: string | undefined;
  out?: string | undefined;
  question?: string | undefined;
}

/**
 * Checks `--out`, opens the model on its device and checks the question: the one place
 * the commands open a model. `signal` (Ctrl-C) cancels the load, a download included.
 */
export async function openCommandModel(
  values: ModelValues,
  signal?: AbortSignal,
): Promise<Headflow> {
  if (values.out !== undefined) await checkWritableTarget(values.out);
  const choice = chooseDevice(values.device);
  if (
    choice.device !== "cpu" &&
    values.model !== undefined &&
    (await isThirdPartyLocation(values.model, { signal }))
  ) {
    throw new HeadflowError(
      "bad-argument",
      `--device ${choice.device}: transformers.js exports run on the cpu provider only (give --device cpu)`,
    );
  }
  let headflow: Headflow;
  try {
    headflow = await openModel(values.model, {
      sessionOptions: choice.sessionOptions,
      signal,
      ...(values.dtype !== undefined ? { dtype: values.dtype } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw deviceLoadError(choice, error);
  }
  // Results name the provider that computed them.
  if (choice.device !== "cpu")
    headflow = new Headflow(headflow.bundle, nodeImageDecoder, choice.runtime);
  // The default batch is sized to this machine's memory on the cpu provider (another
  // provider's device memory is not known here: the wasm heap's 4 GiB stays the ceiling).
  else headflow.memory = nodeMemory(totalmem());
  headflow.prompt(values.question);
  return headflow;
}

/** Runs `work` with a progress bar on stderr, closing the bar however it ends. */
export async function withProgress<T>(
  io: CliIo,
  label: string,
  work: (bar: ProgressBar) => Promise<T>,
): Promise<T> {
  const bar = new ProgressBar(io, label);
  try {
    return await work(bar);
  } finally {
    bar.done();
  }
}

export interface ImageAnalysis<P, R> {
  /** The progress bar's label. */
  label: string;
  imagePath: string;
  /** Ctrl-C: cancels the model load (a download at once) and the analysis. */
  signal?: AbortSignal | undefined;
  /** `--baseline` (a spec is opened only when the command takes a baseline). */
  baseline?: string | undefined;
  /** Options that need the model (its grid, its layer count), parsed once it is open. */
  prepare?: (headflow: Headflow) => P | Promise<P>;
  run: (inputs: {
    headflow: Headflow;
    image: NamedImage;
    baseline: BaselineSpec;
    prepared: P;
    bar: ProgressBar;
  }) => Promise<R>;
}

/** One single-image analysis command from its parsed values to the emitted result. */
export async function runImageAnalysis<P, R>(
  io: CliIo,
  values: ModelValues,
  analysis: ImageAnalysis<P, R>,
): Promise<number> {
  const headflow = await openCommandModel(values, analysis.signal);
  const prepared = (await analysis.prepare?.(headflow)) as P;
  const baseline = await openBaseline(analysis.baseline);
  const image = await openImage(analysis.imagePath);
  const result = await withProgress(io, analysis.label, (bar) =>
    analysis.run({ headflow, image, baseline, prepared, bar }),
  );
  await emitResult(io, values.out, result);
  return 0;
}
