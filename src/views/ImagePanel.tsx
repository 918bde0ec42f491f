/** The "Image" step: take an image in, then show what was decoded or why it was refused. */
import { useCallback, useEffect } from "react";
import { useImageStore } from "../store/image-store";
import { fetchSample, useSamplesStore, type SampleImage } from "../store/samples-store";
import { ImageIntake } from "./ImageIntake";
import { ImagePreview } from "./ImagePreview";

export function ImagePanel() {
  const state = useImageStore((store) => store.state);
  const choose = useImageStore((store) => store.choose);
  const fail = useImageStore((store) => store.fail);
  const samples = useSamplesStore((store) => store.state);
  const loadSamples = useSamplesStore((store) => store.load);

  useEffect(() => {
    void loadSamples();
  }, [loadSamples]);

  const onFile = useCallback((file: Blob, name: string) => void choose(file, name), [choose]);
  const onSample = useCallback(
    (sample: SampleImage) => {
      if (samples.status !== "ready") return;
      fetchSample(samples.baseUrl, sample).then(
        (blob) => choose(blob, sample.file),
        (error: unknown) =>
          fail(sample.file, error instanceof Error ? error.message : String(error)),
      );
    },
    [samples, choose, fail],
  );

  return (
    <section className="image-panel" aria-labelledby="image-panel-title">
      <h2 id="image-panel-title">Your image</h2>
      <ImageIntake
        onFile={onFile}
        samples={samples.status === "ready" ? samples.samples : undefined}
        samplesBaseUrl={samples.status === "ready" ? samples.baseUrl : undefined}
        onSample={onSample}
      />
      {state.status === "decoding" && (
        <p role="status" className="image-status">
          Decoding {state.name}…
        </p>
      )}
      {state.status === "failed" && (
        <p role="alert" className="image-error">
          {state.message}
        </p>
      )}
      {state.status === "ready" && <ImagePreview image={state.image} />}
    </section>
  );
}
