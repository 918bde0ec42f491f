/**
 * Rasterises a standalone SVG to PNG by drawing it onto a canvas, at `scale` times its
 * size (2x by default, sharp on high-density screens and in documents).
 */
import type { StandaloneSvg } from "./heatmap-svg";

export async function svgToPng(svg: StandaloneSvg, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg.text], { type: "image/svg+xml" }));
  try {
    const image = new Image(svg.width, svg.height);
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(svg.width * scale);
    canvas.height = Math.round(svg.height * scale);
    const context = canvas.getContext("2d");
    if (context === null) throw new Error("this browser gave no 2D canvas to draw the PNG on");
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) =>
          blob === null ? reject(new Error("the browser could not encode the PNG")) : resolve(blob),
        "image/png",
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
