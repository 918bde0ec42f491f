/**
 * Which patches count as the object, as the user chose it in the object vs background
 * view: the bundled sample's scene metadata, a mask painted on the patch grid, or a
 * threshold on the contribution map. Pure: turns the choice into the engine's
 * ObjectMaskSpec (what the worker runs) and into the mask to draw before a run.
 */
import {
  type ObjectMaskSpec,
  DEFAULT_COVERAGE_THRESHOLD,
  maskFromContributions,
  maskFromCoverage,
} from "../engine";

export type MaskChoice = "scene" | "mask" | "contribution";

export interface MaskInputs {
  /** The sample's patchCoverage, or null when the image is not a bundled sample. */
  coverage: readonly number[] | null;
  /** The painted mask, one flag per patch (row-major). */
  painted: readonly boolean[];
  /** Fraction of the largest contribution a patch needs to count as object. */
  threshold: number;
}

/**
 * The bundled sample's per-patch object coverage, found by the image's name (the gallery
 * names an image after its sample file). Null when there is none of the right length.
 */
export function sceneCoverageOf(
  samples: readonly Record<string, unknown>[] | null,
  imageName: string | null,
  patches: number,
): number[] | null {
  if (samples === null || imageName === null) return null;
  const coverage = samples.find((sample) => sample.file === imageName)?.patchCoverage;
  if (!Array.isArray(coverage) || coverage.length !== patches) return null;
  return coverage.every((c) => typeof c === "number" && Number.isFinite(c))
    ? (coverage as number[])
    : null;
}

/** The engine's spec for a choice; throws an Error whose message the view shows as is. */
export function objectMaskSpecOf(choice: MaskChoice, inputs: MaskInputs): ObjectMaskSpec {
  switch (choice) {
    case "scene":
      if (inputs.coverage === null) {
        throw new Error(
          "This image has no scene metadata (only the bundled samples do): paint a mask or use a contribution threshold.",
        );
      }
      return { source: "scene", coverage: inputs.coverage, threshold: DEFAULT_COVERAGE_THRESHOLD };
    case "mask":
      if (!inputs.painted.some(Boolean)) {
        throw new Error("The painted mask is empty: click or drag over the object's patches.");
      }
      return { source: "mask", patches: [...inputs.painted] };
    case "contribution":
      if (!(inputs.threshold > 0 && inputs.threshold <= 1)) {
        throw new Error(
          `The contribution threshold must lie in (0, 1] (it is ${inputs.threshold}).`,
        );
      }
      return { source: "contribution", threshold: inputs.threshold };
  }
}

/**
 * The object patches to draw now, before any run: null when they are not known yet (a
 * contribution threshold before the contribution map has been computed).
 */
export function previewMask(
  choice: MaskChoice,
  inputs: MaskInputs,
  contributions: readonly number[] | null,
): boolean[] | null {
  switch (choice) {
    case "scene":
      return inputs.coverage === null
        ? null
        : maskFromCoverage(inputs.coverage, inputs.coverage.length);
    case "mask":
      return [...inputs.painted];
    case "contribution":
      return contributions === null || !(inputs.threshold > 0 && inputs.threshold <= 1)
        ? null
        : maskFromContributions(contributions, inputs.threshold);
  }
}

/** The choice a new image starts with: its scene metadata when it has any. */
export function defaultChoice(coverage: readonly number[] | null): MaskChoice {
  return coverage === null ? "contribution" : "scene";
}
