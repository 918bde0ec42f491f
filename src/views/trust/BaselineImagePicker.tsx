/**
 * The image chosen as a baseline: a file picker (labelled "Baseline image") and a drop
 * zone around it. The file goes through the same checks and decoder as the main image
 * (the image worker), so a wrong file gets the same clear message; a refused file leaves
 * the previous choice in place. The image's name is shown as text only.
 */
import { useId, useState, type DragEvent } from "react";
import { useTrustStore } from "../../store/trust-store";

const ACCEPT = "image/png,image/jpeg,image/webp,image/gif";

export function BaselineImagePicker({ disabled }: { disabled: boolean }) {
  const inputId = useId();
  const hintId = useId();
  const image = useTrustStore((store) => store.baselineImage);
  const state = useTrustStore((store) => store.baselineImageState);
  const choose = useTrustStore((store) => store.chooseBaselineImage);
  const clear = useTrustStore((store) => store.clearBaselineImage);
  const [dragging, setDragging] = useState(false);
  const [dropHint, setDropHint] = useState<string | null>(null);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (disabled) return;
    const file = event.dataTransfer.files[0];
    if (file === undefined) {
      setDropHint("That was not a file. Drop an image file, or use the picker.");
      return;
    }
    setDropHint(null);
    void choose(file, file.name);
  };

  return (
    <div
      className="drop-zone trust-baseline-image"
      data-dragging={dragging}
      onDragOver={(event) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        setDragging(true);
      }}
      onDragLeave={(event) => {
        const next = event.relatedTarget;
        if (!(next instanceof Node) || !event.currentTarget.contains(next)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <label htmlFor={inputId}>Baseline image</label>{" "}
      <input
        id={inputId}
        type="file"
        accept={ACCEPT}
        disabled={disabled}
        aria-describedby={hintId}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          // Cleared so that choosing the same file again still fires a change.
          event.currentTarget.value = "";
          if (file !== undefined) void choose(file, file.name);
        }}
      />
      <p id={hintId} className="intake-hint">
        Another image as a baseline (what an ablated head reads instead of this image): PNG, JPEG,
        WebP or GIF, picked or dropped here.
      </p>
      {dropHint !== null && <p className="intake-hint">{dropHint}</p>}
      {state.status === "decoding" && <p role="status">Reading {state.name}…</p>}
      {state.status === "failed" && (
        <p role="alert" className="error" aria-label="Baseline image problem">
          {state.message}
        </p>
      )}
      {image !== null && (
        <p>
          Chosen: <span data-testid="baseline-image-name">{image.name}</span> ({image.width} x{" "}
          {image.height} at model resolution){" "}
          <button type="button" disabled={disabled} onClick={clear}>
            Remove baseline image
          </button>
        </p>
      )}
    </div>
  );
}
