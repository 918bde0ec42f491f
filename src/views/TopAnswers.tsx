/** A ranked list of answer tokens with their probabilities, as text and bars. */
import type { TokenScoreJson } from "../engine";
import { formatLogit, formatProbability } from "./numbers";

export function TopAnswers({ top, label }: { top: readonly TokenScoreJson[]; label: string }) {
  return (
    <ol className="top-answers" aria-label={label}>
      {top.map((entry) => (
        <li key={entry.id}>
          <span className="top-token">{entry.token}</span>
          <span className="top-bar" aria-hidden="true">
            <span style={{ width: `${Math.max(1, entry.probability * 100)}%` }} />
          </span>
          <span className="top-probability" title={`logit ${formatLogit(entry.logit)}`}>
            {formatProbability(entry.probability)}
          </span>
        </li>
      ))}
    </ol>
  );
}
