/**
 * Test support for the parity tests of tiny-llava and tiny-smolvlm (thirdparty,
 * quantised-exports, dtype): the engine's path to a head ablation from the reference's
 * inputs, i.e. the clean and baseline prefills, the baseline's image rows and the
 * ablation runner over them. Each test then runs its masks and holds the logits to its
 * own reference.
 */
import { AblationRunner } from "../../ablation/runner";
import { sliceImageKv } from "../../model/kv";
import { referenceInputs, type Parity } from "./fixture-inputs";
import { prefillProcessed } from "./processed-prefill";
import type { ThirdPartyParts } from "./third-party-headflow";

export async function parityAblation(
  { session, manifest }: Pick<ThirdPartyParts, "session" | "manifest">,
  parity: Parity,
) {
  const prompt = { question: parity.question, tokens: [] };
  const prefill = (which: "clean" | "baseline") =>
    prefillProcessed(session, referenceInputs(parity, which), manifest.imageTokenId, prompt);
  const clean = await prefill("clean");
  const base = await prefill("baseline");
  const baseline = sliceImageKv(base.cache, clean.prompt.imageStart, clean.prompt.imageEnd);
  return { clean, base, baseline, runner: new AblationRunner(session, clean, baseline) };
}
