/** The image x image similarity matrix, grouped by category or by style (d3 draws it). */
import { useLayoutEffect, useMemo, useRef, useState } from "react";
import type { SetsResult } from "../../engine";
import { drawSimilarity } from "./similarity-draw";
import { matrixLayout, type GroupBy } from "./similarity-layout";

export function SimilarityMatrix({ result }: { result: SetsResult }) {
  const [by, setBy] = useState<GroupBy>("category");
  const svgRef = useRef<SVGSVGElement>(null);
  const layout = useMemo(() => matrixLayout(result.images, by), [result, by]);
  useLayoutEffect(() => {
    if (svgRef.current === null) return;
    drawSimilarity(
      svgRef.current,
      { similarity: result.similarity, files: result.images.map((image) => image.file) },
      layout,
    );
  }, [result, layout]);
  const n = result.images.length;
  return (
    <figure className="similarity-matrix">
      <figcaption>
        Image x image similarity (Pearson r of attribution vectors), grouped by{" "}
        <span role="radiogroup" aria-label="Group by">
          {(["category", "style"] as const).map((option) => (
            <label key={option}>
              <input
                type="radio"
                name="similarity-group"
                checked={by === option}
                onChange={() => setBy(option)}
              />
              {option}
            </label>
          ))}
        </span>
      </figcaption>
      <svg
        ref={svgRef}
        role="img"
        aria-label={`Similarity of ${n} images' attribution, grouped by ${by}`}
        data-images={n}
      />
    </figure>
  );
}
