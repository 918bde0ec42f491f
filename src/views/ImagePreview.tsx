/**
 * The decoded image as HeadFlow sees it: drawn from the worker's decoded preview (not from
 * the file), with its size in pixels.
 */
import { useLayoutEffect, useRef } from "react";
import type { DecodedImage } from "../workers/decode-image";
import { FORMAT_NAMES } from "../workers/image-header";

export function ImagePreview({ image }: { image: DecodedImage }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const { preview } = image;

  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext("2d");
    if (canvas == null || context == null) return;
    canvas.width = preview.width;
    canvas.height = preview.height;
    context.drawImage(preview, 0, 0);
  }, [preview]);

  return (
    <figure className="image-preview">
      <canvas ref={canvasRef} role="img" aria-label={`Preview of ${image.name}`} />
      <figcaption>
        <span className="image-name">{image.name}</span>{" "}
        <span className="image-size">
          {image.width} × {image.height} pixels, {FORMAT_NAMES[image.format]}
        </span>
      </figcaption>
    </figure>
  );
}
