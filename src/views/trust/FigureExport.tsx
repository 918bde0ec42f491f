/**
 * "Export SVG" and "Export PNG" of a trust view's figure, as the heatmap exports its map
 * (src/views/export: inline styles, white background, a title), with accessible names that
 * say which figure.
 */
import { useState, type RefObject } from "react";
import { downloadBlob, downloadText, safeFileName } from "../download";
import { standaloneSvg } from "../export/heatmap-svg";
import { svgToPng } from "../export/svg-to-png";

export function FigureExport(props: {
  svgRef: RefObject<SVGSVGElement | null>;
  fileName: string;
  title: string;
  what: string;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const name = safeFileName(props.fileName);
  const exportSvg = () => {
    if (props.svgRef.current === null) return;
    downloadText(
      standaloneSvg(props.svgRef.current, props.title).text,
      `${name}.svg`,
      "image/svg+xml",
    );
  };
  const exportPng = async () => {
    if (props.svgRef.current === null) return;
    try {
      setProblem(null);
      downloadBlob(await svgToPng(standaloneSvg(props.svgRef.current, props.title)), `${name}.png`);
    } catch (error) {
      setProblem(
        `The PNG could not be made: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  return (
    <span className="trust-figure-export">
      <button type="button" aria-label={`Export ${props.what} as SVG`} onClick={exportSvg}>
        Export SVG
      </button>
      <button
        type="button"
        aria-label={`Export ${props.what} as PNG`}
        onClick={() => void exportPng()}
      >
        Export PNG
      </button>
      {problem !== null && (
        <span role="alert" className="error">
          {problem}
        </span>
      )}
    </span>
  );
}
