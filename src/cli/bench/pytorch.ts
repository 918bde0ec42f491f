/** Placeholder until training/reference_attribution.py exists. */
import type { BaselineSpec, Headflow, NamedImage, Prompt } from "../../engine";

export async function compareWithPytorch(
  _headflow: Headflow,
  _image: NamedImage,
  _prompt: Prompt,
  _baseline: BaselineSpec,
  _settings: { samples: number; repeats: number },
  _log: (text: string) => void,
): Promise<unknown> {
  return { skipped: "not implemented yet" };
}
