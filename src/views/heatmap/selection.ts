/**
 * Keyboard movement in the heatmap grid, following the WAI-ARIA grid pattern: arrows move
 * one cell, Home/End go to the row's ends, Ctrl+Home/End to the grid's corners, PageUp and
 * PageDown jump several layers. Layer 0 is the top row, so ArrowDown is the next layer.
 */
import type { HeatmapCell } from "./heatmap-geometry";

export interface GridSize {
  layers: number;
  heads: number;
}

export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
}

const PAGE_LAYERS = 5;

/** Where focus goes after a key, or null when the key does not move focus. */
export function moveFocus(cell: HeatmapCell, press: KeyPress, size: GridSize): HeatmapCell | null {
  const lastLayer = size.layers - 1;
  const lastHead = size.heads - 1;
  const toCorner = press.ctrlKey === true || press.metaKey === true;
  let { layer, head } = cell;
  switch (press.key) {
    case "ArrowUp":
      layer -= 1;
      break;
    case "ArrowDown":
      layer += 1;
      break;
    case "ArrowLeft":
      head -= 1;
      break;
    case "ArrowRight":
      head += 1;
      break;
    case "PageUp":
      layer -= PAGE_LAYERS;
      break;
    case "PageDown":
      layer += PAGE_LAYERS;
      break;
    case "Home":
      head = 0;
      if (toCorner) layer = 0;
      break;
    case "End":
      head = lastHead;
      if (toCorner) layer = lastLayer;
      break;
    default:
      return null;
  }
  return { layer: clamp(layer, 0, lastLayer), head: clamp(head, 0, lastHead) };
}

/** Whether a key selects the focused cell (as a click does). */
export function isSelectKey(key: string): boolean {
  return key === "Enter" || key === " ";
}

/** Keeps a remembered cell inside the grid when the model (and so the grid) changes. */
export function clampCell(cell: HeatmapCell, size: GridSize): HeatmapCell {
  return {
    layer: clamp(cell.layer, 0, size.layers - 1),
    head: clamp(cell.head, 0, size.heads - 1),
  };
}

export function sameCell(a: HeatmapCell | null | undefined, b: HeatmapCell | null | undefined) {
  return a != null && b != null && a.layer === b.layer && a.head === b.head;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
