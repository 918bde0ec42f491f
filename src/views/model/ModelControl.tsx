/**
 * The "Model" control: run the bundled model, or bring a third-party VLM exported for
 * transformers.js (a folder, picked or dropped, or a URL). Shows download progress, what
 * the model's graphs allow and what they do not, and load errors as plain text.
 */
import { useState, type DragEvent, type FormEvent } from "react";
import { DTYPE_CHOICES } from "../../engine";
import { useModelSourceStore } from "../../store/model-source-store";
import { droppedFiles, pickedFiles } from "./dropped-files";
import { ModelCapabilities } from "./ModelCapabilities";
import "./model.css";

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export function ModelControl() {
  const state = useModelSourceStore((store) => store.state);
  const loadFolder = useModelSourceStore((store) => store.loadFolder);
  const loadUrl = useModelSourceStore((store) => store.loadUrl);
  const cancelLoad = useModelSourceStore((store) => store.cancelLoad);
  const dtype = useModelSourceStore((store) => store.dtype);
  const setDtype = useModelSourceStore((store) => store.setDtype);
  const [url, setUrl] = useState("");
  const [over, setOver] = useState(false);
  const busy = state.status === "loading";

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    if (busy) return;
    void droppedFiles(event.dataTransfer).then(loadFolder);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (url.trim()) void loadUrl(url.trim());
  };

  return (
    <details className="model-control">
      <summary>
        Model:{" "}
        <span aria-label="Current model">
          {state.status === "loaded" ? `${state.label} (${state.info.modelType})` : "bundled"}
        </span>
      </summary>
      <div
        className={`model-drop${over ? " model-drop-over" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>
          Bring your own VLM exported for transformers.js (llava, idefics3 / SmolVLM): drop its
          folder here or pick it.
        </p>
        <label className="model-pick">
          Choose model folder
          <input
            type="file"
            aria-label="Model folder"
            multiple
            disabled={busy}
            {...{ webkitdirectory: "" }}
            onChange={(event) => {
              const files = event.currentTarget.files;
              if (files) void loadFolder(pickedFiles(files));
            }}
          />
        </label>
      </div>
      <label className="model-dtype">
        Graph variant (dtype){" "}
        <select
          value={dtype}
          disabled={busy}
          aria-describedby="model-dtype-help"
          onChange={(event) => setDtype(event.currentTarget.value)}
        >
          {DTYPE_CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {choice === "auto" ? "auto (the export's own, then q8, q4, …, fp32, fp16)" : choice}
            </option>
          ))}
        </select>
      </label>
      <p id="model-dtype-help" className="model-dtype-help">
        Which of the export&apos;s onnx/*.onnx variants to open, for the next load. auto follows the
        export&apos;s config.json, then tries 8-bit, 4-bit, fp32 and fp16 files in turn and opens
        the first that works.
      </p>
      <form className="model-url" onSubmit={onSubmit}>
        <input
          type="url"
          aria-label="Model URL"
          placeholder="https://…/model-folder/"
          value={url}
          disabled={busy}
          onChange={(event) => setUrl(event.currentTarget.value)}
        />
        <button type="submit" disabled={busy || url.trim() === ""}>
          Load
        </button>
      </form>
      {state.status === "loading" && (
        <div role="status" className="model-progress">
          Loading {state.label}…
          {state.progress && (
            <>
              <progress
                value={state.progress.loaded}
                max={state.progress.total ?? undefined}
                aria-label="Download progress"
              />
              <span>
                {state.progress.path}: {mib(state.progress.loaded)}
                {state.progress.total !== null && ` of ${mib(state.progress.total)}`}
                {state.progress.cached && " (from cache)"}
              </span>
            </>
          )}
          <button type="button" onClick={cancelLoad}>
            Cancel
          </button>
        </div>
      )}
      {state.status === "failed" && (
        <p role="alert" className="model-error">
          Could not load {state.label}: {state.error}
        </p>
      )}
      {state.status === "loaded" && (
        <ModelCapabilities info={state.info} label={state.label} loadMs={state.loadMs} />
      )}
      {state.status === "loaded" && state.info.dtypeNotes.length > 0 && (
        <ul className="model-dtype-notes" aria-label="Graph variants that did not open">
          {state.info.dtypeNotes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </details>
  );
}
