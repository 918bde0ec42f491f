/**
 * Interaction with the heatmap: which cell the pointer is over, which cell has keyboard
 * focus, and selecting a head by click, Enter or Space. The drawing is updated through the
 * frame (roving tabindex, focus ring); which head is *selected* belongs to the caller.
 */
import {
  useCallback,
  useLayoutEffect,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type MouseEvent,
  type PointerEvent,
  type RefObject,
} from "react";
import { markFocused, moveTabStop, type HeatmapFrame } from "./draw";
import { hitTest, type HeatmapCell, type HeatmapLayout } from "./heatmap-geometry";
import { clampCell, isSelectKey, moveFocus, sameCell } from "./selection";

export interface SelectionOptions {
  layout: HeatmapLayout;
  frameRef: RefObject<HeatmapFrame | null>;
  selected: HeatmapCell | null;
  onSelect: ((cell: HeatmapCell) => void) | undefined;
  /** The id of the tooltip element, which describes the focused cell to screen readers. */
  tooltipId: string;
}

export interface SelectionHandlers {
  onPointerMove(event: PointerEvent<SVGSVGElement>): void;
  onPointerLeave(): void;
  onClick(event: MouseEvent<SVGSVGElement>): void;
  onKeyDown(event: KeyboardEvent<SVGSVGElement>): void;
  onFocus(event: FocusEvent<SVGSVGElement>): void;
  onBlur(event: FocusEvent<SVGSVGElement>): void;
}

export interface Selection {
  /** The cell that has (or would get) keyboard focus. */
  focused: HeatmapCell;
  /** The cell to describe in the tooltip: the hovered one, else the focused one if focused. */
  described: HeatmapCell | null;
  handlers: SelectionHandlers;
}

export function useSelection({
  layout,
  frameRef,
  selected,
  onSelect,
  tooltipId,
}: SelectionOptions): Selection {
  const [rememberedFocus, setFocused] = useState<HeatmapCell>(selected ?? { layer: 0, head: 0 });
  const [hovered, setHovered] = useState<HeatmapCell | null>(null);
  const [focusWithin, setFocusWithin] = useState(false);
  // A new model can have fewer layers or heads than the cell remembered.
  const focused = clampCell(rememberedFocus, layout);

  // Keep the drawing in step: the tab stop follows focus, and the ring shows while focused.
  useLayoutEffect(() => {
    const frame = frameRef.current;
    if (frame === null) return;
    moveTabStop(frame, focused, false);
    // The tooltip describes the hovered cell when there is one; only then is it not the focused one's.
    const tooltipDescribesFocus = hovered === null || sameCell(hovered, focused);
    markFocused(frame, focusWithin ? focused : null, tooltipDescribesFocus ? tooltipId : null);
  }, [frameRef, layout, focused, focusWithin, hovered, tooltipId]);

  const cellAtPointer = useCallback(
    (event: { clientX: number; clientY: number; currentTarget: Element }) => {
      const box = event.currentTarget.getBoundingClientRect();
      return hitTest(layout, event.clientX - box.left, event.clientY - box.top);
    },
    [layout],
  );

  const handlers: SelectionHandlers = {
    onPointerMove(event) {
      const cell = cellAtPointer(event);
      setHovered((previous) => (sameCell(previous, cell) ? previous : cell));
    },
    onPointerLeave() {
      setHovered(null);
    },
    onClick(event) {
      const cell = cellAtPointer(event);
      if (cell === null) return;
      setFocused(cell);
      onSelect?.(cell);
    },
    onKeyDown(event) {
      if (isSelectKey(event.key)) {
        event.preventDefault();
        onSelect?.(focused);
        return;
      }
      const next = moveFocus(focused, event, layout);
      if (next === null) return;
      event.preventDefault();
      setFocused(next);
      setHovered(null);
      // Focus must move within this event, or screen readers announce the old cell.
      const frame = frameRef.current;
      if (frame !== null) moveTabStop(frame, next, true);
    },
    onFocus(event) {
      setFocusWithin(true);
      const cell = cellOfNode(event.target);
      if (cell !== null) setFocused(cell);
    },
    onBlur(event) {
      const next = event.relatedTarget;
      if (!(next instanceof Node) || !event.currentTarget.contains(next)) setFocusWithin(false);
    },
  };

  return { focused, described: hovered ?? (focusWithin ? focused : null), handlers };
}

function cellOfNode(node: EventTarget): HeatmapCell | null {
  if (!(node instanceof Element)) return null;
  const layer = node.getAttribute("data-layer");
  const head = node.getAttribute("data-head");
  if (layer === null || head === null) return null;
  return { layer: Number(layer), head: Number(head) };
}
