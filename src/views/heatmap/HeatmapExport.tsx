/**
 * "Export SVG" and "Export PNG" of the heatmap as drawn (colours, axes, legend, selection),
 * through src/views/export. A failure (e.g. no canvas) is reported beside the buttons.
 */
import { useState, type RefObject } from "react";
import { downloadBlob, downloadText, safeFileName } from "../download";
import { standaloneSvg } from "../export/heatmap-svg";
import { svgToPng } from "../export/svg-to-png";

export function HeatmapExport(props: {
  svgRef: RefObject<SVGSVGElement | null>;
  fileName: string;
  title: string;
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
    <span className="heatmap-export">
      <button type="button" onClick={exportSvg}>
        Export SVG
      </button>
      <button type="button" onClick={() => void exportPng()}>
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
