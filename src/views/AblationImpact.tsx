/** What ablating some heads does to the answer: target, probability and top answers. */
import type { AblationResult } from "../engine";
import { formatChange, formatLogit, formatProbability } from "./numbers";
import { TopAnswers } from "./TopAnswers";

const TARGET_NAMES = { logit: "logit", logprob: "log-probability", margin: "margin" } as const;

function probabilityOf(side: AblationResult["clean"], token: string): string {
  const entry = side.top.find((t) => t.token === token);
  return entry ? formatProbability(entry.probability) : `below the top ${side.top.length}`;
}

export function AblationImpact({ result, label }: { result: AblationResult; label: string }) {
  const { clean, ablated, target } = result;
  const change = ablated.target - clean.target;
  return (
    <div className="ablation-impact" role="group" aria-label={label}>
      <p>
        The {TARGET_NAMES[target.kind]} of “{target.token}” goes from{" "}
        <strong>{formatLogit(clean.target)}</strong> to{" "}
        <strong>{formatLogit(ablated.target)}</strong> (
        <span data-testid="target-change">{formatChange(change)}</span>); its probability from{" "}
        {probabilityOf(clean, target.token)} to {probabilityOf(ablated, target.token)}. The answer
        is “{ablated.answer}”{" "}
        {ablated.answer === clean.answer ? "(unchanged)" : `(was “${clean.answer}”)`},{" "}
        {result.baseline} baseline.
      </p>
      <div className="ablation-columns">
        <div>
          <h4>Clean</h4>
          <TopAnswers top={clean.top} label="Top answers, clean" />
        </div>
        <div>
          <h4>Ablated</h4>
          <TopAnswers top={ablated.top} label="Top answers, ablated" />
        </div>
      </div>
    </div>
  );
}
