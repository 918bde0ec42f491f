/** `ablate`: the answer before and after ablating a set of heads together. */
import { baselineLabel, type BaselineSpec } from "../ablation/baseline";
import { formatHead, headIndex, type HeadRef } from "../ablation/heads";
import { HeadflowError } from "../errors";
import { argmax, targetValue, type TargetKind } from "../ablation/targets";
import { maskOf } from "../attribution/masks";
import type { Headflow, NamedImage } from "../headflow";
import { ABLATION_SCHEMA, type AblationResult } from "../results/attribution-results";
import { imageRef } from "./labels";

export interface AblateOptions {
  heads: HeadRef[];
  baseline?: BaselineSpec;
  question?: string;
  target?: TargetKind;
  top?: number;
}

export async function ablate(
  model: Headflow,
  image: NamedImage,
  options: AblateOptions,
): Promise<AblationResult> {
  const prompt = model.prompt(options.question);
  const spec = options.baseline ?? { kind: "mean" };
  const kind = options.target ?? "logit";
  const runner = await model.runner(image, prompt, spec);
  const { layers, heads } = model.bundle.manifest;
  // Heads may come from a link or file made with another model: refuse what this one lacks.
  for (const ref of options.heads) {
    if (!(ref.layer >= 0 && ref.layer < layers && ref.head >= 0 && ref.head < heads)) {
      throw new HeadflowError(
        "bad-argument",
        `head ${formatHead(ref)} does not exist: the model has layers 0..${layers - 1} and heads 0..${heads - 1}`,
      );
    }
  }
  const size = runner.maskSize;
  // Row 0 clean, row 1 with the heads ablated: one batched run.
  const masks = new Uint8Array(2 * size);
  masks.set(
    maskOf(
      size,
      options.heads.map((h) => headIndex(h, heads)),
    ),
    size,
  );
  const logits = await runner.run(masks, 2);
  const vocab = model.vocab;
  const answerId = argmax(logits, 0, vocab);
  const side = (row: number) => ({
    target: targetValue(logits, row, vocab, answerId, kind),
    answer: model.tokenText(argmax(logits, row, vocab)),
    top: model.top(logits, row, options.top ?? 5),
  });
  return {
    schema: ABLATION_SCHEMA,
    model: model.modelRef(),
    image: imageRef(image),
    question: prompt.question,
    baseline: baselineLabel(spec),
    heads: options.heads.map(formatHead),
    target: { kind, token: model.tokenText(answerId), id: answerId },
    clean: side(0),
    ablated: side(1),
  };
}
