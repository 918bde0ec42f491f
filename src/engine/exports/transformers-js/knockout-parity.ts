/**
 * For the parity tests of the third-party fixtures: the logits of attention knockout over
 * the image block, clean first, then one row per mask. The PyTorch references make their
 * ablations inside attention over one sequence (prefix | image block | baseline block |
 * text), which is what wholeSequenceAblation runs; here it reads the image blocks the
 * export's own prefill merged, so every processor's layout (tiles, separators, newline
 * features, 3-D positions) is the one the engine uses.
 */
import { wholeSequenceAblation } from "../../ablation/whole-sequence";
import type { VlmSession } from "../../model/session";
import type { Prompt } from "../../model/tokenize";
import type { ThirdPartySession } from "./export-session";
import { prefillProcessed } from "./processed-prefill";
import type { ProcessedInputs } from "./processor";

export async function knockoutOverImageBlock(
  session: ThirdPartySession,
  imageTokenId: number,
  prompt: Omit<Prompt, "imageStart" | "imageEnd" | "ids">,
  inputs: { clean: ProcessedInputs; baseline: ProcessedInputs },
  masks: readonly (readonly number[])[],
): Promise<Float32Array> {
  const clean = await prefillProcessed(session, inputs.clean, imageTokenId, prompt);
  const base = await prefillProcessed(session, inputs.baseline, imageTokenId, prompt);
  const { imageStart: start, imageEnd: end } = clean.prompt;
  const d = session.dims.hiddenSize;
  const blockOf = (p: typeof clean) => p.blockEmbeds!.slice(start * d, end * d);
  const [cleanPixels, basePixels] = [new Float32Array(1), new Float32Array(1)];
  const blocks = new Map<Float32Array, Float32Array>([
    [cleanPixels, blockOf(clean)],
    [basePixels, blockOf(base)],
  ]);
  // The image block as one "image" of end - start tokens (SmolVLM's holds separators).
  const whole: VlmSession = {
    dims: { ...session.dims, imageTokens: end - start },
    encodeImage: (pixels) => Promise.resolve(blocks.get(pixels)!),
    embed: (ids) => session.embed(ids),
    decode: (request) => session.decode(request),
    decodeAnalysis: (request) => session.decodeAnalysis(request),
    release: () => Promise.resolve(),
  };
  const rows = [new Array<number>(masks[0]!.length).fill(0), ...masks];
  return wholeSequenceAblation(
    whole,
    clean.prompt,
    cleanPixels,
    basePixels,
    rows.map((m) => Uint8Array.from(m)),
  );
}
