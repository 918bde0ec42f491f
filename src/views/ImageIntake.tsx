/**
 * Where an image comes in: a drop zone, a file picker (labelled "Image"), paste from the
 * clipboard anywhere on the page, and a gallery of bundled samples when there is one. It
 * only hands files on; checking and decoding them is the image worker's job, so a wrong
 * file gets the same clear message whichever way it came.
 */
import { useEffect, useId, useState, type DragEvent } from "react";
import { describeSample, thumbnailUrl, type SampleImage } from "../store/samples-store";

export interface ImageIntakeProps {
  onFile(file: Blob, name: string): void;
  /** The bundled samples to offer; none (or an empty list) shows no gallery. */
  samples?: readonly SampleImage[];
  samplesBaseUrl?: string;
  onSample?(sample: SampleImage): void;
}

const ACCEPT = "image/png,image/jpeg,image/webp,image/gif";
/** A pasted screenshot has no file name of its own. */
const PASTED_NAME = "Pasted image";

export function ImageIntake({ onFile, samples, samplesBaseUrl, onSample }: ImageIntakeProps) {
  const inputId = useId();
  const hintId = useId();
  const [dragging, setDragging] = useState(false);
  const [dropHint, setDropHint] = useState<string | null>(null);

  usePastedImages(onFile);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file === undefined) {
      setDropHint("That was not a file. Drop an image file, or use the picker.");
      return;
    }
    setDropHint(null);
    onFile(file, file.name);
  };

  return (
    <div className="image-intake">
      <div
        className="drop-zone"
        data-dragging={dragging}
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = "copy";
          setDragging(true);
        }}
        onDragLeave={(event) => {
          // Leaving for one of the zone's own children is not leaving the zone.
          const next = event.relatedTarget;
          if (!(next instanceof Node) || !event.currentTarget.contains(next)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <label htmlFor={inputId} className="intake-label">
          Image
        </label>
        <input
          id={inputId}
          type="file"
          accept={ACCEPT}
          aria-describedby={hintId}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            // Clear the input so choosing the same file again still fires a change.
            event.currentTarget.value = "";
            if (file !== undefined) onFile(file, file.name);
          }}
        />
        <p id={hintId} className="intake-hint">
          PNG, JPEG, WebP or GIF. You can also drop an image here or paste one (Ctrl+V).
        </p>
        {dropHint !== null && <p className="intake-hint">{dropHint}</p>}
      </div>
      {samples !== undefined && samples.length > 0 && samplesBaseUrl !== undefined && (
        <SampleGallery samples={samples} baseUrl={samplesBaseUrl} onSample={onSample} />
      )}
    </div>
  );
}

function SampleGallery(props: {
  samples: readonly SampleImage[];
  baseUrl: string;
  onSample: ((sample: SampleImage) => void) | undefined;
}) {
  return (
    <section className="sample-gallery" aria-label="Sample images">
      <h3>Or try a sample</h3>
      <ul>
        {props.samples.map((sample) => (
          <li key={sample.file}>
            <button
              type="button"
              aria-label={`Sample: ${describeSample(sample)}`}
              title={describeSample(sample)}
              onClick={() => props.onSample?.(sample)}
            >
              <img src={thumbnailUrl(props.baseUrl, sample)} alt="" loading="lazy" />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Takes an image pasted anywhere on the page; text pastes are left alone. */
function usePastedImages(onFile: (file: Blob, name: string) => void) {
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const items = event.clipboardData?.items;
      if (items === undefined) return;
      for (const item of items) {
        if (item.kind !== "file") continue;
        const file = item.getAsFile();
        if (file === null) continue;
        event.preventDefault();
        onFile(file, file.name !== "" && file.name !== "image.png" ? file.name : PASTED_NAME);
        return;
      }
    };
    document.addEventListener("paste", onPaste);
    return () => document.removeEventListener("paste", onPaste);
  }, [onFile]);
}
