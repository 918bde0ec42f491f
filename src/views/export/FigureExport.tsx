/**
 * "Export SVG" and "Export PNG" of a drawn figure (the heatmap, the trust views' figures):
 * inline styles, white background, a title. A failure (e.g. no canvas) is reported beside
 * the buttons. `what` names the figure in the buttons' accessible names where a panel has
 * more than one.
 */
import { useState, type RefObject } from "react";
import { downloadBlob, downloadText, safeFileName } from "../download";
import { standaloneSvg } from "./heatmap-svg";
import { svgToPng } from "./svg-to-png";

export function FigureExport(props: {
  svgRef: RefObject<SVGSVGElement | null>;
  fileName: string;
  title: string;
  what?: string;
  className: string;
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
    <span className={props.className}>
      <button
        type="button"
        aria-label={props.what === undefined ? undefined : `Export ${props.what} as SVG`}
        onClick={exportSvg}
      >
        Export SVG
      </button>
      <button
        type="button"
        aria-label={props.what === undefined ? undefined : `Export ${props.what} as PNG`}
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
