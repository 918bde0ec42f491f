/**
 * The model's image with its patch grid on top: a canvas draws the picture, a per-patch
 * overlay and outlines (the object patches); a grid of focusable cells over it carries
 * each patch's name and numbers for assistive technology and tests, and reports hover,
 * focus and presses. Arrow keys move between cells (the heatmap's keyboard pattern).
 */
import { useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import type { RgbaImage } from "../../engine";
import { isSelectKey, moveFocus } from "../heatmap/selection";
import { patchFill } from "./patch-colour";

export interface PatchGridProps {
  image: RgbaImage;
  grid: readonly [number, number];
  /** The grid's accessible name. */
  label: string;
  /** Per patch in [-1, 1]: the overlay (see patch-colour.ts). */
  heat?: readonly number[] | undefined;
  /** Patches drawn with an outline (the object patches). */
  outline?: readonly boolean[] | null | undefined;
  /** Per patch: selected (a painted object patch); sets aria-selected. */
  selected?: readonly boolean[] | undefined;
  cellLabel(patch: number): string;
  /** Extra data-* attributes of a cell (its numbers, for tests and tooling). */
  cellData?(patch: number): Record<`data-${string}`, string>;
  onEnter?(patch: number): void;
  onLeave?(): void;
  /** A click, Enter or Space on a cell. */
  onPress?(patch: number): void;
  /** A drag over a cell with the button held (painting). */
  onDrag?(patch: number): void;
  side?: number;
}

export function PatchGrid(props: PatchGridProps) {
  const { image, grid, heat, outline, selected, side = 256 } = props;
  const [rows, cols] = grid;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const cellsRef = useRef<(HTMLDivElement | null)[]>([]);
  const [active, setActive] = useState(0);

  useLayoutEffect(() => {
    const context = canvasRef.current?.getContext("2d");
    if (!canvasRef.current || !context) return;
    drawPatches(context, canvasRef.current, image, grid, side, heat, outline);
  }, [image, grid, side, heat, outline]);

  const onKeyDown = (event: KeyboardEvent, patch: number) => {
    if (isSelectKey(event.key)) {
      event.preventDefault();
      props.onPress?.(patch);
      return;
    }
    const next = moveFocus({ layer: Math.floor(patch / cols), head: patch % cols }, event, {
      layers: rows,
      heads: cols,
    });
    if (next === null) return;
    event.preventDefault();
    const index = next.layer * cols + next.head;
    setActive(index);
    cellsRef.current[index]?.focus();
  };

  const onPointerDown = (event: PointerEvent, patch: number) => {
    // Let later cells get pointerenter while dragging (touch captures the pointer).
    (event.target as Element).releasePointerCapture?.(event.pointerId);
    props.onPress?.(patch);
  };

  return (
    <div className="patch-grid" style={{ width: side, height: side }}>
      <canvas ref={canvasRef} aria-hidden="true" style={{ width: side, height: side }} />
      <div
        role="grid"
        aria-label={props.label}
        className="patch-cells"
        style={{ gridTemplateColumns: `repeat(${cols}, 1fr)` }}
        onPointerLeave={() => props.onLeave?.()}
      >
        {Array.from({ length: rows }, (_, r) => (
          <div role="row" key={r} className="patch-row">
            {Array.from({ length: cols }, (_, c) => {
              const patch = r * cols + c;
              return (
                <div
                  key={patch}
                  ref={(node) => {
                    cellsRef.current[patch] = node;
                  }}
                  role="gridcell"
                  aria-label={props.cellLabel(patch)}
                  {...(selected ? { "aria-selected": selected[patch] === true } : {})}
                  {...props.cellData?.(patch)}
                  tabIndex={patch === active ? 0 : -1}
                  className="patch-cell"
                  onPointerEnter={(event) => {
                    props.onEnter?.(patch);
                    if (event.buttons === 1) props.onDrag?.(patch);
                  }}
                  onPointerDown={(event) => onPointerDown(event, patch)}
                  onFocus={() => {
                    setActive(patch);
                    props.onEnter?.(patch);
                  }}
                  onBlur={() => props.onLeave?.()}
                  onKeyDown={(event) => onKeyDown(event, patch)}
                />
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

function drawPatches(
  context: CanvasRenderingContext2D,
  canvas: HTMLCanvasElement,
  image: RgbaImage,
  [rows, cols]: readonly [number, number],
  side: number,
  heat: readonly number[] | undefined,
  outline: readonly boolean[] | null | undefined,
) {
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
  const w = side / cols;
  const h = side / rows;
  if (heat) {
    // Dim the picture so the overlay reads.
    context.fillStyle = "rgba(0, 0, 0, 0.35)";
    context.fillRect(0, 0, side, side);
    heat.forEach((value, p) => {
      const fill = patchFill(value);
      if (fill === null) return;
      context.fillStyle = fill;
      context.fillRect((p % cols) * w, Math.floor(p / cols) * h, w, h);
    });
  }
  context.strokeStyle = "rgba(255, 255, 255, 0.35)";
  context.lineWidth = 1;
  for (let i = 1; i < cols; i++) context.strokeRect(i * w, 0, 0, side);
  for (let i = 1; i < rows; i++) context.strokeRect(0, i * h, side, 0);
  if (outline) {
    context.strokeStyle = "#ffffff";
    context.lineWidth = 2.5;
    outline.forEach((on, p) => {
      if (on)
        context.strokeRect((p % cols) * w + 1.5, Math.floor(p / cols) * h + 1.5, w - 3, h - 3);
    });
  }
}
