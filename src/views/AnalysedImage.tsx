/**
 * The image the model reads (at its own resolution, scaled up without smoothing), with an
 * optional heat overlay of one value per patch (a head's final-token attention).
 */
import { useLayoutEffect, useRef } from "react";
import type { RgbaImage } from "../engine";

export interface AnalysedImageProps {
  image: RgbaImage;
  label: string;
  /** One value per patch, row-major over `grid`; drawn as a translucent orange heat. */
  overlay?: ArrayLike<number> | undefined;
  grid?: [number, number] | undefined;
  /** Displayed side in CSS pixels. */
  side?: number;
}

export function AnalysedImage({ image, label, overlay, grid, side = 256 }: AnalysedImageProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext("2d");
    if (canvas == null || context == null) return;
    canvas.width = side;
    canvas.height = side;
    const source = new OffscreenCanvas(image.width, image.height);
    source
      .getContext("2d")
      ?.putImageData(
        new ImageData(new Uint8ClampedArray(image.data), image.width, image.height),
        0,
        0,
      );
    context.imageSmoothingEnabled = false;
    context.drawImage(source, 0, 0, side, side);
    if (overlay === undefined || grid === undefined) return;
    const [rows, cols] = grid;
    let max = 0;
    for (let i = 0; i < overlay.length; i++) max = Math.max(max, overlay[i]!);
    if (!(max > 0)) return;
    // Dim the picture so the heat reads, then paint each patch by its share of the maximum.
    context.fillStyle = "rgba(0, 0, 0, 0.35)";
    context.fillRect(0, 0, side, side);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const value = overlay[r * cols + c]! / max;
        context.fillStyle = `rgba(255, 140, 0, ${(0.85 * value).toFixed(3)})`;
        context.fillRect((c * side) / cols, (r * side) / rows, side / cols, side / rows);
      }
    }
  }, [image, overlay, grid, side]);

  return (
    <canvas
      ref={canvasRef}
      className="analysed-image"
      role="img"
      aria-label={label}
      style={{ width: side, height: side }}
    />
  );
}
