import { useBackendStore } from "../store/backend-store";

const LABELS = { webgpu: "WebGPU", wasm: "wasm" } as const;

/** Shows which onnxruntime-web backend runs the model, and why it was chosen. */
export function BackendBadge() {
  const state = useBackendStore((store) => store.state);
  if (state.status === "starting") {
    return (
      <span className="badge badge-pending" role="status" aria-label="Backend">
        Starting model runtime…
      </span>
    );
  }
  if (state.status === "failed") {
    return (
      <span className="badge badge-error" role="status" aria-label="Backend" title={state.error}>
        Model runtime failed: {state.error}
      </span>
    );
  }
  const { backend, reason, selfTest, model } = state.report;
  const warmUp =
    model.warmUpMs === undefined ? "" : ` Warm-up ${(model.warmUpMs / 1000).toFixed(1)} s.`;
  return (
    <span
      className={`badge badge-${backend}`}
      role="status"
      aria-label="Backend"
      data-backend={backend}
      title={`${reason}. Self-test ${selfTest.graph} in ${selfTest.milliseconds.toFixed(1)} ms. Model loaded in ${(model.loadMs / 1000).toFixed(1)} s.${warmUp}`}
    >
      {LABELS[backend]}
      <span className="badge-reason">{reason}</span>
    </span>
  );
}
