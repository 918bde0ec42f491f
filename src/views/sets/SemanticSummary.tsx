/**
 * The paper's finding 2 as a test: do images of one category (drawn in different styles)
 * get more alike head scores than images of one style (showing different categories)?
 */
import type { SetsResult } from "../../engine";

const r3 = (value: number) => value.toFixed(3);

export function SemanticSummary({ result }: { result: SetsResult }) {
  const test = result.test;
  return (
    <section className="semantic-summary" aria-labelledby="semantic-title">
      <h3 id="semantic-title">Semantic vs appearance</h3>
      {test === null ? (
        <p data-testid="semantic-unavailable">
          No test: it needs pairs of images with the same category in different styles and pairs
          with the same style in different categories (label the sets with categories and styles, at
          least two of each).
        </p>
      ) : (
        <dl className="semantic-numbers">
          <dt>Same category, different style</dt>
          <dd data-testid="semantic-mean">
            mean r {r3(test.sameCategoryDifferentStyle.mean)} over{" "}
            {test.sameCategoryDifferentStyle.pairs} pairs
          </dd>
          <dt>Same style, different category</dt>
          <dd data-testid="appearance-mean">
            mean r {r3(test.sameStyleDifferentCategory.mean)} over{" "}
            {test.sameStyleDifferentCategory.pairs} pairs
          </dd>
          <dt>Difference</dt>
          <dd data-testid="semantic-difference">{r3(test.difference)}</dd>
          <dt>Permutation p-value (one-sided)</dt>
          <dd data-testid="semantic-p">
            {test.pValue.toPrecision(3)} ({test.permutations} label shuffles, seed {test.seed})
          </dd>
        </dl>
      )}
      {test !== null && (
        <p className="hint">
          {test.difference > 0
            ? "Images of one category are more alike than images of one style"
            : "Images of one category are not more alike than images of one style"}
          {test.pValue <= 0.05
            ? ", and label shuffles rarely give as large a difference."
            : ", but label shuffles often give as large a difference: no evidence either way."}
        </p>
      )}
    </section>
  );
}
